/// The `user_config.yaml` written beside a synthetic dataset, in the model zoo's layout (sections
/// as in its released SSD-MobileNet-v1 configs), with dataset paths relative to the file's folder.
struct SyntheticDatasetConfiguration {
    var classNames: [String]
    var inputSize: Int
    var alpha: Double
    /// The command that made the dataset, recorded as a comment.
    var origin: String

    var yamlText: String {
        """
        # Synthetic shapes dataset, made by: \(origin)
        general:
          project_name: synthetic_shapes
          logs_dir: logs
          saved_models_dir: saved_models

        train_parameters:
          batch_size: 64
          training_epochs: 100
          optimizer: adam
          initial_learning: 0.001
          learning_rate_scheduler: reducelronplateau

        dataset:
          name: synthetic_shapes
          class_names: [\(classNames.joined(separator: ", "))]
          training_path: train
          validation_path: val
          test_path:

        pre_processing:
          rescaling: {scale : 127.5, offset : -1}
          resizing: bilinear
          aspect_ratio: False
          color_mode: rgb

        post_processing:
          confidence_thresh: 0.001
          NMS_thresh: 0.5
          IoU_eval_thresh: 0.4

        data_augmentation:
          augment: True
          rotation: 30
          shearing: 15
          translation: 0.1
          vertical_flip: 0.5
          horizantal_flip: 0.2
          gaussian_blur: 3.0
          linear_contrast: [0.75, 1.5]

        model:
          model_type: {name : mobilenet, version : v1, alpha : \(alpha)}
          input_shape: [\(inputSize), \(inputSize), 3]
          transfer_learning : False

        quantization:
          quantize: True
          evaluate: True
          quantizer: TFlite_converter
          quantization_type: PTQ
          quantization_input_type: uint8
          quantization_output_type: float
          export_dir: quantized_models

        """
    }
}
