#!/usr/bin/env python3
"""TensorFlow reference for TinySSD: the model zoo's Keras SSD-MobileNet-v1, TinySSD checkpoints
in and out of it, and the TFLite converter's int8 post-training quantization.

Subcommands (each has its own --help):
  build              construct the zoo's Keras model (fresh initial values), optionally save it
  load               a TinySSD checkpoint (.safetensors) -> Keras weights (.weights.h5 or .keras)
  export-checkpoint  Keras weights (.weights.h5 / .keras) -> a TinySSD checkpoint (.safetensors)
  convert            a TinySSD checkpoint -> int8 .tflite with the TFLite converter (and a float one)
  forward            Keras forward pass of a checkpoint on a raw float32 [1,S,S,3] input
  preprocess         an image -> raw float32 (and uint8) network input, as the calibration sees it
  ops                a .tflite's operators and options, or their differences from a reference model
  compare            largest differences between two raw float32 [1,NA,10] outputs
  names              the TinySSD <-> Keras layer-name table for one architecture

Run it through scripts/tf-reference.sh, which creates the virtual environment
(${TF_VENV:-.build-tf-venv}: tensorflow-cpu 2.21.0, numpy, safetensors, pyyaml, opencv-python-headless).
Keras files with the anchors' Lambda layers do not reload with keras.models.load_model in safe mode:
rebuild the model with build_model() and use model.load_weights(FILE) (.weights.h5 or .keras).
The module can also be imported from a TensorFlow training script (sys.path: scripts/):
  model = build_model(Architecture(alpha, input_size, class_count))
  arch, class_names, rescaling = load_checkpoint(model, 'best.safetensors')   # optional start
  ... train ...; export_checkpoint(model, arch, 'back.safetensors', class_names, rescaling, epoch)
"""
import argparse
import json
import math
import os
import sys
import time

STARTED = time.perf_counter()

CHECKPOINT_FORMAT = 'tinyssd-ssd-mobilenet-v1/1'
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png')
FEATURE_CHANNELS = 32
EXTRA_CHANNELS = 256
ANCHOR_RATIOS = [1.0, 2.0, 0.5, 1.0 / 3.0]
ALL_ANCHOR_SIZES = [[0.1, 0.16], [0.26, 0.33], [0.42, 0.49], [0.58, 0.66], [0.74, 0.82], [0.9, 0.98]]
# MobileNet v1 pointwise filters (alpha 1) and depthwise strides of blocks 1-13.
MOBILENET_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
                    (512, 1), (512, 1), (1024, 2), (1024, 1)]
BN_EPSILON = 1e-3   # Keras' default, as in the zoo and TinySSD's BatchNormalization
BN_MOMENTUM = 0.99


class ReferenceError(Exception):
    """A user-facing error: printed without a traceback."""


# ---------------------------------------------------------------------------------------------
# Architecture (mirrors Sources/Detection/SSDArchitecture.swift)

class Architecture:
    def __init__(self, alpha=0.25, input_size=192, class_count=1):
        if input_size not in (192, 224, 256):
            raise ReferenceError('input size %s is not supported; the model zoo\'s SSD MobileNet v1 takes 192, 224 or 256' % input_size)
        if alpha not in (0.25, 0.5, 0.75, 1.0):
            raise ReferenceError('alpha %s is not supported; use 0.25, 0.5, 0.75 or 1.0' % alpha)
        if class_count < 1:
            raise ReferenceError('a detector needs at least one object class')
        self.alpha, self.input_size, self.class_count = float(alpha), int(input_size), int(class_count)

    @property
    def feature_map_sizes(self):
        return [24, 12, 6, 3, 1] if self.input_size == 192 else [32, 16, 8, 4, 2, 1]

    @property
    def tap_sizes(self):
        # Sides of MobileNet blocks 5, 11 and 13, the first three feature maps before any padding.
        return [self.input_size // 8, self.input_size // 16, self.input_size // 32]

    @property
    def anchor_sizes(self):
        return ALL_ANCHOR_SIZES[-len(self.feature_map_sizes):]

    anchors_per_cell = len(ANCHOR_RATIOS) + 1

    @property
    def anchor_count(self):
        return sum(s * s for s in self.feature_map_sizes) * self.anchors_per_cell

    def to_json(self):
        # The JSON TinySSD's Checkpoint writes (Swift JSONEncoder, sorted keys).
        return json.dumps({'alpha': self.alpha, 'classCount': self.class_count, 'inputSize': self.input_size},
                          sort_keys=True, separators=(',', ':'))

    def __repr__(self):
        return 'alpha %g, %d x %d, %d class%s' % (self.alpha, self.input_size, self.input_size, self.class_count,
                                                 '' if self.class_count == 1 else 'es')

    def __eq__(self, other):
        return (self.alpha, self.input_size, self.class_count) == (other.alpha, other.input_size, other.class_count)


def anchor_grid(arch, map_index):
    """[1, m, m, anchors_per_cell, 4] corners (xmin, ymin, xmax, ymax) / input size, float32, computed in
    float64 as Sources/Detection/AnchorBoxes.swift does."""
    import numpy as np
    side = float(arch.input_size)
    m = arch.feature_map_sizes[map_index]
    sizes = arch.anchor_sizes[map_index]
    shapes = [(side * sizes[0] * math.sqrt(r), side * sizes[0] / math.sqrt(r)) for r in ANCHOR_RATIOS]
    shapes += [(side * s * math.sqrt(ANCHOR_RATIOS[0]), side * s / math.sqrt(ANCHOR_RATIOS[0])) for s in sizes[1:]]
    step = side / m
    grid = np.zeros((1, m, m, len(shapes), 4), dtype=np.float32)
    for row in range(m):
        cy = (row + 0.5) * step
        for col in range(m):
            cx = (col + 0.5) * step
            for a, (w, h) in enumerate(shapes):
                grid[0, row, col, a] = [(cx - w / 2) / side, (cy - h / 2) / side, (cx + w / 2) / side, (cy + h / 2) / side]
    return grid


# ---------------------------------------------------------------------------------------------
# THE name table: TinySSD's names of the SSD part <-> the zoo's automatic Keras layer names.
#
# The zoo's Keras code names almost nothing, so Keras numbers each layer class in construction
# order (conv2d, conv2d_1, ...; batch_normalization, batch_normalization_1, ...). The TFLite converter
# orders sibling operators by those node names, so the reference op order needs the same names. The
# zoo builds, in this order (checked against the tensor names of the three reference .tflite files):
#   taps: [224: zero_padding2d_K to 32, 16, 8], conv2d + batch_normalization per tap 0, 1, 2;
#   per pair of extra blocks: depthwise_conv2d + batch_normalization + activation, conv2d + bn + activation,
#     (twice), then the map's conv2d + batch_normalization;
#   global_average_pooling2d, reshape (to 1x1), conv2d + a batch normalization NAMED fmap_<last>;
#   heads from the smallest map to the largest: class conv2d + bn, reshape; box conv2d + bn, reshape;
#     lambda (anchors) + reshape; then up_sampling2d [+ zero_padding2d at 192] and Add named fmap_<K>;
#   classes_concat, classes_softmax, bboxes_concat, anchors_concat, predictions (named).
# MobileNet's own layers (conv1, conv1_bn, conv_dw_N, conv_dw_N_bn, conv_pw_N, conv_pw_N_bn) have the
# same names in TinySSD and Keras and are not in the table. The layers get these names explicitly, so the
# table holds whatever else was built in the process. (Keras 3 opens each layer's TF name scope twice,
# so TF nodes read model_1/conv2d_7_1/...; the relative order stays and the converted 192/224/256 graphs
# have the reference's operator order, except the PAD + stride-2 depthwise pairs TF 2.21 fuses.)

def layer_table(arch):
    """Rows (tinyssd_name, keras_name, kind) of the SSD part in the zoo's construction order. kind is
    'conv', 'depthwise' or 'bn' for layers with weights; other kinds name the weightless layers (their
    TinySSD name is TinySSD's activation slot, or a descriptive name where TinySSD has no layer)."""
    counters = {}

    def auto(base):
        n = counters.get(base, 0)
        counters[base] = n + 1
        return base if n == 0 else '%s_%d' % (base, n)

    rows = []
    sizes = arch.feature_map_sizes
    maps = len(sizes)
    for k in range(3):
        if arch.tap_sizes[k] != sizes[k]:   # 224 only: 28, 14, 7 padded to 32, 16, 8
            rows.append(('fmap_%d_pad' % k, auto('zero_padding2d'), 'pad'))
    for k in range(3):
        rows += [('fmap_%d_conv' % k, auto('conv2d'), 'conv'), ('fmap_%d_bn' % k, auto('batch_normalization'), 'bn')]
    for pair in range(maps - 4):
        for j in (2 * pair + 1, 2 * pair + 2):
            rows += [('extra_%d_dw' % j, auto('depthwise_conv2d'), 'depthwise'),
                     ('extra_%d_dw_bn' % j, auto('batch_normalization'), 'bn'),
                     ('extra_%d_dw_relu' % j, auto('activation'), 'relu6'),
                     ('extra_%d_pw' % j, auto('conv2d'), 'conv'),
                     ('extra_%d_pw_bn' % j, auto('batch_normalization'), 'bn'),
                     ('extra_%d_pw_relu' % j, auto('activation'), 'relu6')]
        k = 3 + pair
        rows += [('fmap_%d_conv' % k, auto('conv2d'), 'conv'), ('fmap_%d_bn' % k, auto('batch_normalization'), 'bn')]
    last = maps - 1
    rows += [('global_average_pooling', auto('global_average_pooling2d'), 'gap'),
             ('global_average_pooling_reshape', auto('reshape'), 'reshape'),
             ('fmap_%d_conv' % last, auto('conv2d'), 'conv'),
             ('fmap_%d_bn' % last, 'fmap_%d' % last, 'bn')]
    for k in range(last, -1, -1):
        if k < last:
            rows.append(('fmap_%d_up' % (k + 1), auto('up_sampling2d'), 'upsample'))
            if sizes[k] != 2 * sizes[k + 1]:
                rows.append(('fmap_%d_up_pad' % (k + 1), auto('zero_padding2d'), 'pad'))
            rows.append(('fmap_%d_merged' % k, 'fmap_%d' % k, 'add'))
        rows += [('cls_pred_%d' % k, auto('conv2d'), 'conv'), ('cls_pred_%d_bn' % k, auto('batch_normalization'), 'bn'),
                 ('cls_pred_%d_reshape' % k, auto('reshape'), 'reshape'),
                 ('bbox_pred_%d' % k, auto('conv2d'), 'conv'), ('bbox_pred_%d_bn' % k, auto('batch_normalization'), 'bn'),
                 ('bbox_pred_%d_reshape' % k, auto('reshape'), 'reshape'),
                 ('anchors_%d' % k, auto('lambda'), 'anchors'),
                 ('anchors_%d_reshape' % k, auto('reshape'), 'reshape')]
    rows += [('classes_concat', 'classes_concat', 'concat'), ('classes_softmax', 'classes_softmax', 'softmax'),
             ('bboxes_concat', 'bboxes_concat', 'concat'), ('anchors_concat', 'anchors_concat', 'concat'),
             ('predictions', 'predictions', 'concat')]
    return rows


# ---------------------------------------------------------------------------------------------
# The Keras model

def _anchor_tiler(anchors):
    def tile(x):
        import tensorflow as tf
        # The zoo's anchors: a constant made inside the layer (TF node lambda_N/Const) tiled over the
        # batch (TFLite: SHAPE, STRIDED_SLICE, PACK, TILE, folded at load time).
        return tf.tile(tf.constant(anchors), [tf.shape(x)[0], 1, 1, 1, 1])
    return tile


def build_model(arch):
    """The zoo's SSD-MobileNet-v1 as a Keras functional model named 'model', output [batch, NA, 10]."""
    import keras
    from keras import layers
    names = {t: k for t, k, _ in layer_table(arch)}
    size, classes = arch.input_size, arch.class_count + 1

    def bn(x, name):
        return layers.BatchNormalization(epsilon=BN_EPSILON, momentum=BN_MOMENTUM, name=name)(x)

    inputs = keras.Input(shape=(size, size, 3), name='input_1')
    # MobileNet v1 (keras.applications.MobileNet's structure and names, include_top=False).
    x = layers.Conv2D(int(32 * arch.alpha), 3, strides=2, padding='same', use_bias=False, name='conv1')(inputs)
    x = layers.ReLU(6.0, name='conv1_relu')(bn(x, 'conv1_bn'))
    taps = []
    for i, (filters, stride) in enumerate(MOBILENET_BLOCKS):
        n = i + 1
        if stride == 1:
            x = layers.DepthwiseConv2D(3, padding='same', use_bias=False, name='conv_dw_%d' % n)(x)
        else:
            x = layers.ZeroPadding2D(((0, 1), (0, 1)), name='conv_pad_%d' % n)(x)
            x = layers.DepthwiseConv2D(3, strides=2, padding='valid', use_bias=False, name='conv_dw_%d' % n)(x)
        x = layers.ReLU(6.0, name='conv_dw_%d_relu' % n)(bn(x, 'conv_dw_%d_bn' % n))
        x = layers.Conv2D(int(filters * arch.alpha), 1, padding='same', use_bias=False, name='conv_pw_%d' % n)(x)
        x = layers.ReLU(6.0, name='conv_pw_%d_relu' % n)(bn(x, 'conv_pw_%d_bn' % n))
        taps.append(x)

    def reduce(source, k):
        y = layers.Conv2D(FEATURE_CHANNELS, 1, padding='same', use_bias=True, name=names['fmap_%d_conv' % k])(source)
        return bn(y, names['fmap_%d_bn' % k])

    def zero_pad_to(source, side, name):
        extra = side - source.shape[1]
        before, after = extra - extra // 2, extra // 2
        return layers.ZeroPadding2D(((before, after), (before, after)), name=name)(source)

    sizes = arch.feature_map_sizes
    tapped = [taps[4], taps[10], taps[12]]
    tapped = [zero_pad_to(t, sizes[k], names['fmap_%d_pad' % k]) if arch.tap_sizes[k] != sizes[k] else t
              for k, t in enumerate(tapped)]
    maps = [reduce(t, k) for k, t in enumerate(tapped)]
    x = tapped[2]
    for pair in range(len(sizes) - 4):
        for j, stride in ((2 * pair + 1, 2), (2 * pair + 2, 1)):
            x = layers.DepthwiseConv2D(3, strides=stride, padding='same', use_bias=True, name=names['extra_%d_dw' % j])(x)
            x = layers.Activation('relu6', name=names['extra_%d_dw_relu' % j])(bn(x, names['extra_%d_dw_bn' % j]))
            x = layers.Conv2D(EXTRA_CHANNELS, 1, padding='same', use_bias=True, name=names['extra_%d_pw' % j])(x)
            x = layers.Activation('relu6', name=names['extra_%d_pw_relu' % j])(bn(x, names['extra_%d_pw_bn' % j]))
        maps.append(reduce(x, len(maps)))
    x = layers.GlobalAveragePooling2D(name=names['global_average_pooling'])(x)
    x = layers.Reshape((1, 1, EXTRA_CHANNELS), name=names['global_average_pooling_reshape'])(x)
    maps.append(reduce(x, len(maps)))

    last = len(sizes) - 1
    cls_out, box_out, anchor_out = [], [], []
    merged = maps[last]
    for k in range(last, -1, -1):
        if k < last:
            up = layers.UpSampling2D(2, interpolation='bilinear', name=names['fmap_%d_up' % (k + 1)])(merged)
            if sizes[k] != 2 * sizes[k + 1]:
                up = zero_pad_to(up, sizes[k], names['fmap_%d_up_pad' % (k + 1)])
            merged = layers.Add(name=names['fmap_%d_merged' % k])([maps[k], up])
        kernel = 1 if sizes[k] == 1 and arch.input_size != 192 else 3
        for head, width, out in (('cls_pred', classes, cls_out), ('bbox_pred', 4, box_out)):
            y = layers.Conv2D(arch.anchors_per_cell * width, kernel, padding='same', use_bias=True,
                              name=names['%s_%d' % (head, k)])(merged)
            y = bn(y, names['%s_%d_bn' % (head, k)])
            out.insert(0, layers.Reshape((-1, width), name=names['%s_%d_reshape' % (head, k)])(y))
        grid = anchor_grid(arch, k)
        a = layers.Lambda(_anchor_tiler(grid), output_shape=grid.shape[1:], name=names['anchors_%d' % k])(merged)
        anchor_out.insert(0, layers.Reshape((-1, 4), name=names['anchors_%d_reshape' % k])(a))
    scores = layers.Concatenate(axis=1, name='classes_concat')(cls_out)
    scores = layers.Activation('softmax', name='classes_softmax')(scores)
    boxes = layers.Concatenate(axis=1, name='bboxes_concat')(box_out)
    anchors = layers.Concatenate(axis=1, name='anchors_concat')(anchor_out)
    outputs = layers.Concatenate(axis=2, name='predictions')([scores, boxes, anchors])
    return keras.Model(inputs, outputs, name='model')


def tensor_names_of_layer(layer, tinyssd_name):
    """[(TinySSD tensor name, Keras variable)] of a layer with weights, in TinySSD's naming."""
    from keras import layers
    if isinstance(layer, layers.DepthwiseConv2D):
        pairs = [('depthwise_kernel', layer.kernel)]
    elif isinstance(layer, layers.Conv2D):
        pairs = [('kernel', layer.kernel)]
    elif isinstance(layer, layers.BatchNormalization):
        return [('%s/%s' % (tinyssd_name, n), v) for n, v in (('gamma', layer.gamma), ('beta', layer.beta),
                ('moving_mean', layer.moving_mean), ('moving_variance', layer.moving_variance))]
    else:
        if layer.weights:
            raise ReferenceError('layer %s (%s) has weights this script does not know' % (layer.name, type(layer).__name__))
        return []
    if layer.use_bias:
        pairs.append(('bias', layer.bias))
    return [('%s/%s' % (tinyssd_name, n), v) for n, v in pairs]


def weight_map(model, arch):
    """Ordered [(TinySSD tensor name, Keras variable, Keras layer name)] of every weight of the model."""
    to_tinyssd = {k: t for t, k, _ in layer_table(arch)}
    out = []
    for layer in model.layers:
        tinyssd = to_tinyssd.get(layer.name, layer.name)   # MobileNet layers keep their names
        for name, variable in tensor_names_of_layer(layer, tinyssd):
            out.append((name, variable, layer.name))
    return out


# ---------------------------------------------------------------------------------------------
# TinySSD checkpoints

def read_checkpoint(path):
    """(Architecture, class names, rescaling dict, epoch, {name: array}) of a TinySSD checkpoint."""
    from safetensors import safe_open
    if not os.path.isfile(path):
        raise ReferenceError('%s: no such file' % path)
    try:
        with safe_open(path, framework='np') as f:
            metadata = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as e:  # safetensors raises several types
        raise ReferenceError('%s: not a readable safetensors file (%s)' % (path, e))
    if metadata.get('format') != CHECKPOINT_FORMAT:
        raise ReferenceError("%s: not a TinySSD checkpoint (metadata format '%s', expected '%s')"
                             % (path, metadata.get('format', 'missing'), CHECKPOINT_FORMAT))
    try:
        a = json.loads(metadata['architecture'])
        arch = Architecture(a['alpha'], a['inputSize'], a['classCount'])
        class_names = json.loads(metadata['class_names'])
        rescaling = json.loads(metadata['rescaling'])
        epoch = int(metadata.get('epoch', '0'))
    except (KeyError, ValueError, TypeError) as e:
        raise ReferenceError('%s: invalid TinySSD metadata (%s: %s)' % (path, type(e).__name__, e))
    return arch, class_names, rescaling, epoch, tensors


def load_checkpoint_tensors(model, arch, tensors, path):
    """Puts every network tensor of a checkpoint into the model: each used exactly once, shapes checked.
    Optimizer slots (optimizer/<slot>/<name>, saved in a run's last checkpoint) are not network weights
    and are skipped. Returns the number of tensors loaded."""
    import numpy as np
    network = {k: v for k, v in tensors.items() if not k.startswith('optimizer/')}
    used = set()
    for name, variable, keras_name in weight_map(model, arch):
        if name not in network:
            raise ReferenceError("%s: tensor '%s' (Keras layer %s) is missing" % (path, name, keras_name))
        value = network[name]
        if tuple(value.shape) != tuple(variable.shape):
            raise ReferenceError("%s: tensor '%s' has shape %s; Keras layer %s needs %s"
                                 % (path, name, list(value.shape), keras_name, list(variable.shape)))
        if value.dtype != np.float32:
            raise ReferenceError("%s: tensor '%s' is %s, not float32" % (path, name, value.dtype))
        variable.assign(value)
        used.add(name)
    unused = sorted(set(network) - used)
    if unused:
        raise ReferenceError('%s: %d tensor(s) match no Keras weight: %s' % (path, len(unused), ', '.join(unused[:10])
                             + (' ...' if len(unused) > 10 else '')))
    return len(used)


def load_checkpoint(model, path):
    """Loads a TinySSD checkpoint into a model from build_model(); returns (arch, class names, rescaling)."""
    arch, class_names, rescaling, _, tensors = read_checkpoint(path)
    expected = model.input.shape[1], model.output.shape[1], model.output.shape[2]
    if expected != (arch.input_size, arch.anchor_count, arch.class_count + 9):
        raise ReferenceError('%s holds %s; the Keras model takes %s inputs and gives %s outputs'
                             % (path, arch, list(model.input.shape[1:]), list(model.output.shape[1:])))
    load_checkpoint_tensors(model, arch, tensors, path)
    return arch, class_names, rescaling


def model_from_checkpoint(path):
    arch, class_names, rescaling, epoch, tensors = read_checkpoint(path)
    model = build_model(arch)
    load_checkpoint_tensors(model, arch, tensors, path)
    return model, arch, class_names, rescaling, epoch


def export_checkpoint(model, arch, path, class_names, rescaling, epoch=0):
    """Writes the model's weights as a TinySSD checkpoint (the metadata TinySSD's reader requires)."""
    import numpy as np
    from safetensors.numpy import save_file
    if len(class_names) != arch.class_count:
        raise ReferenceError('%d class names for a model with %d classes' % (len(class_names), arch.class_count))
    tensors = {}
    for name, variable, _ in weight_map(model, arch):
        if name in tensors:
            raise ReferenceError("two Keras weights map to TinySSD tensor '%s'" % name)
        tensors[name] = np.ascontiguousarray(np.asarray(variable.numpy(), dtype=np.float32))
    metadata = {
        'format': CHECKPOINT_FORMAT,
        'architecture': arch.to_json(),
        'class_names': json.dumps(list(class_names), separators=(',', ':'), ensure_ascii=False),
        'rescaling': json.dumps({'offset': _number(rescaling['offset']), 'scale': _number(rescaling['scale'])},
                                sort_keys=True, separators=(',', ':')),
        'epoch': str(int(epoch)),
    }
    save_file(tensors, path, metadata=metadata)
    return len(tensors)


def _number(v):
    v = float(v)
    return int(v) if v.is_integer() else v


# ---------------------------------------------------------------------------------------------
# Images and raw tensors

def calibration_files(directory, limit=None):
    if not os.path.isdir(directory):
        raise ReferenceError('%s: not a directory' % directory)
    files = sorted(f for f in os.listdir(directory) if f.lower().endswith(IMAGE_EXTENSIONS))
    if not files:
        raise ReferenceError('%s: no .jpg, .jpeg or .png images' % directory)
    return [os.path.join(directory, f) for f in (files[:limit] if limit else files)]


def preprocess(path, size, rescaling):
    """The zoo's (and TinySSD's) pre-processing: cv2.imread -> RGB -> cv2.resize INTER_LINEAR -> x/scale + offset."""
    import cv2
    import numpy as np
    image = cv2.imread(path)
    if image is None:
        raise ReferenceError('%s: OpenCV cannot read this image' % path)
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    image = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
    return (image.astype(np.float32) / np.float32(rescaling['scale']) + np.float32(rescaling['offset'])).astype(np.float32)


def read_raw(path, shape):
    import numpy as np
    if not os.path.isfile(path):
        raise ReferenceError('%s: no such file' % path)
    data = np.fromfile(path, dtype='<f4')
    need = int(np.prod(shape))
    if data.size != need:
        raise ReferenceError('%s: %d float32 values; %s needs %d' % (path, data.size, list(shape), need))
    return data.reshape(shape)


# ---------------------------------------------------------------------------------------------
# Subcommands

def quiet_tensorflow():
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')


def cmd_names(a):
    arch = Architecture(a.alpha, a.input_size, a.classes)
    print('# %s: TinySSD name -> Keras layer name (kind), zoo construction order' % arch)
    for t, k, kind in layer_table(arch):
        print('%-32s %-26s %s' % (t, k, kind))


def cmd_build(a):
    quiet_tensorflow()
    arch = Architecture(a.alpha, a.input_size, a.classes)
    model = build_model(arch)
    if a.summary:
        model.summary(line_length=120)
    count = sum(int(v.numpy().size) for _, v, _ in weight_map(model, arch))
    print('built %s: %d layers, %d weight tensors, %d parameters (moving statistics included), output %s'
          % (arch, len(model.layers), len(weight_map(model, arch)), count, list(model.output.shape)))
    if a.out:
        save_keras(model, a.out)
        print('wrote %s' % a.out)


def save_keras(model, path):
    if path.endswith('.weights.h5'):
        model.save_weights(path)
    elif path.endswith('.keras'):
        model.save(path)
    else:
        raise ReferenceError('%s: give a .weights.h5 (weights only) or .keras file name' % path)


def cmd_load(a):
    quiet_tensorflow()
    model, arch, class_names, rescaling, epoch = model_from_checkpoint(a.checkpoint)
    n = len(weight_map(model, arch))
    print('loaded %s (%s, classes %s, epoch %d): %d tensors into %d Keras layers'
          % (a.checkpoint, arch, ','.join(class_names), epoch, n, len(model.layers)))
    if a.out:
        save_keras(model, a.out)
        print('wrote %s' % a.out)


def cmd_export(a):
    quiet_tensorflow()
    if a.like:
        arch, class_names, rescaling, _, _ = read_checkpoint(a.like)
        if a.input_size is not None and a.input_size != arch.input_size:
            raise ReferenceError('--input-size %d disagrees with %s (%s)' % (a.input_size, a.like, arch))
        if a.class_names:
            class_names = a.class_names.split(',')
            arch = Architecture(arch.alpha, arch.input_size, len(class_names))
    else:
        if not a.class_names:
            raise ReferenceError('give --class-names (or --like CHECKPOINT) so the checkpoint can name its classes')
        class_names = a.class_names.split(',')
        arch = Architecture(a.alpha, a.input_size or 192, len(class_names))
        rescaling = {'scale': 127.5, 'offset': -1}
    if a.scale is not None:
        rescaling['scale'] = a.scale
    if a.offset is not None:
        rescaling['offset'] = a.offset
    model = build_model(arch)
    if not os.path.isfile(a.weights):
        raise ReferenceError('%s: no such file' % a.weights)
    try:
        model.load_weights(a.weights)
    except Exception as e:
        detail = ' '.join(line.strip() for line in str(e).splitlines()[:4] if line.strip())
        raise ReferenceError('%s: cannot load into the Keras model of %s (give the architecture with --like, '
                             '--class-names, --input-size, --alpha): %s' % (a.weights, arch, detail[:400]))
    n = export_checkpoint(model, arch, a.out, class_names, rescaling, a.epoch)
    print('wrote %s: %d tensors, %s, classes %s, rescaling x/%g%+g'
          % (a.out, n, arch, ','.join(class_names), rescaling['scale'], rescaling['offset']))


def cmd_forward(a):
    quiet_tensorflow()
    import numpy as np
    model, arch, _, _, _ = model_from_checkpoint(a.checkpoint)
    s = arch.input_size
    x = read_raw(a.input, (1, s, s, 3))
    y = np.asarray(model(x, training=False), dtype='<f4')
    y.tofile(a.output)
    print('wrote %s: float32 %s' % (a.output, list(y.shape)))


class stdout_to_stderr:
    """Sends everything written to stdout (Python and C++) to stderr, so --json output stays clean."""
    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        os.dup2(2, 1)

    def __exit__(self, *exc):
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)


def _converter(model, arch):
    import tensorflow as tf
    # As the zoo: from_keras_model (Keras 3: exported with training=False, batch None, so the reshapes
    # and tiles keep their shape sub-graphs as in the reference files).
    return tf.lite.TFLiteConverter.from_keras_model(model)


def cmd_convert(a):
    quiet_tensorflow()
    import numpy as np
    import tensorflow as tf
    model, arch, class_names, rescaling, _ = model_from_checkpoint(a.checkpoint)
    files = calibration_files(a.calibration, a.max_images)
    images = [preprocess(f, arch.input_size, rescaling) for f in files]
    report = {'checkpoint': a.checkpoint, 'architecture': repr(arch), 'calibration_images': len(images),
              'granularity': 'per_tensor' if a.per_tensor else 'per_channel', 'tensorflow': tf.__version__}
    if a.float_out:
        converter = _converter(model, arch)
        start = time.perf_counter()
        with stdout_to_stderr():
            flat = converter.convert()
        report['float_convert_seconds'] = round(time.perf_counter() - start, 3)
        with open(a.float_out, 'wb') as f:
            f.write(flat)
        report['float_out'] = a.float_out

    def representative():
        for image in images:
            yield [image[None]]

    converter = _converter(model, arch)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.inference_input_type = tf.uint8
    converter.inference_output_type = tf.float32
    if a.per_tensor:
        converter._experimental_disable_per_channel = True
    start = time.perf_counter()
    with stdout_to_stderr():
        flat = converter.convert()
    report['convert_seconds'] = round(time.perf_counter() - start, 3)
    with open(a.out, 'wb') as f:
        f.write(flat)
    report['out'] = a.out
    report['bytes'] = len(flat)
    report['total_seconds'] = round(time.perf_counter() - STARTED, 3)
    if a.json:
        print(json.dumps(report))
    else:
        print('converted %s (%s) with %d calibration images from %s, %s'
              % (a.checkpoint, arch, len(images), a.calibration, report['granularity']))
        if a.float_out:
            print('float model: %s (convert() %.2f s)' % (a.float_out, report['float_convert_seconds']))
        print('int8 model: %s, %d bytes; convert() %.2f s, total wall time %.2f s'
              % (a.out, len(flat), report['convert_seconds'], report['total_seconds']))


def cmd_preprocess(a):
    import numpy as np
    rescaling = {'scale': a.scale, 'offset': a.offset}
    x = preprocess(a.image, a.size, rescaling)[None]
    x.astype('<f4').tofile(a.out)
    print('wrote %s: float32 %s' % (a.out, list(x.shape)))
    if a.u8:
        # The zoo's input quantization (PIPELINE.md section 9): uint8, scale 1/scale, zero point
        # int(-offset * scale) = 127 for the zoo's rescaling, round half to even, clamp.
        q_scale = np.float32(1.0 / a.scale)
        zero_point = int(-a.offset * a.scale) if a.zero_point is None else a.zero_point
        q = np.clip(np.rint(x / q_scale) + zero_point, 0, 255).astype(np.uint8)
        q.tofile(a.u8)
        print('wrote %s: uint8 %s (scale %.9g, zero point %d)' % (a.u8, list(q.shape), q_scale, zero_point))


def tflite_ops(path):
    """[(signature, details)] of a .tflite's operators in execution order: the signature holds the op,
    output shape and builtin options (padding, strides, fused activation, ...); details the output type,
    scale and zero point."""
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils
    if not os.path.isfile(path):
        raise ReferenceError('%s: no such file' % path)
    model = flatbuffer_utils.read_model(path)
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith('_')}
    activations = {v: k for k, v in vars(schema.ActivationFunctionType).items() if not k.startswith('_')}
    types = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith('_')}
    graph = model.subgraphs[0]
    out = []
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex]
        name = names.get(max(code.builtinCode, code.deprecatedBuiltinCode), str(code.builtinCode))
        tensor = graph.tensors[op.outputs[0]]
        options = []
        o = op.builtinOptions
        if o is not None:
            for field in ('padding', 'strideW', 'strideH', 'depthMultiplier', 'dilationWFactor', 'fusedActivationFunction',
                          'keepDims', 'axis', 'beta', 'alignCorners', 'halfPixelCenters', 'valuesCount'):
                if hasattr(o, field):
                    v = getattr(o, field)
                    if field == 'padding':
                        v = 'SAME' if v == schema.Padding.SAME else 'VALID'
                    elif field == 'fusedActivationFunction':
                        v = activations.get(v, v)
                    options.append('%s=%s' % (field, v))
        q = tensor.quantization
        scale = list(q.scale) if q is not None and q.scale is not None else []
        zero = list(q.zeroPoint) if q is not None and q.zeroPoint is not None else []
        details = '%s%s' % (types.get(tensor.type, tensor.type),
                            ' scale %.6g zp %d' % (scale[0], zero[0]) if len(scale) == 1 else '')
        shape = [int(d) for d in tensor.shape]
        out.append(('%s %s %s' % (name, shape, ' '.join(options)), details, int(code.version)))
    return out


def cmd_ops(a):
    quiet_tensorflow()
    import difflib
    ours = tflite_ops(a.model)
    if not a.against:
        for i, (signature, details, version) in enumerate(ours):
            print('%4d %s | v%d %s' % (i, signature, version, details))
        return
    reference = tflite_ops(a.against)
    left, right = [r[0] for r in reference], [r[0] for r in ours]
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    differences = 0
    versions = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if reference[i][2] != ours[j][2]:
                    key = (left[i].split()[0], reference[i][2], ours[j][2])
                    versions[key] = versions.get(key, 0) + 1
            if a.scales:
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    if reference[i][1] != ours[j][1]:
                        print('  %4d/%-4d %s: %s | %s' % (i, j, left[i], reference[i][1], ours[j][1]))
            continue
        differences += 1
        for i in range(i1, i2):
            print('- %4d %s' % (i, left[i]))
        for j in range(j1, j2):
            print('+ %4d %s' % (j, right[j]))
    for (op, theirs, mine), count in sorted(versions.items()):
        print('  version: %d %s v%d in the reference, v%d here' % (count, op, theirs, mine))
    print('%d operators in %s, %d in %s; %d differing stretch(es) (- reference, + this model); '
          '%d matching operators with another version' % (len(left), a.against, len(right), a.model, differences,
                                                          sum(versions.values())))


def cmd_compare(a):
    import numpy as np
    for path in (a.first, a.second):
        if not os.path.isfile(path):
            raise ReferenceError('%s: no such file' % path)
    x, y = np.fromfile(a.first, dtype='<f4'), np.fromfile(a.second, dtype='<f4')
    if x.size != y.size or x.size % a.columns:
        raise ReferenceError('%s holds %d floats, %s %d: not two [1, NA, %d] outputs' % (a.first, x.size, a.second, y.size, a.columns))
    x, y = x.reshape(-1, a.columns), y.reshape(-1, a.columns)
    d = np.abs(x.astype(np.float64) - y.astype(np.float64))
    nc = a.columns - 8
    parts = {'all': d, 'scores': d[:, :nc], 'boxes': d[:, nc:nc + 4], 'anchors': d[:, nc + 4:]}
    report = {k: {'max_abs': float(v.max()), 'mean_abs': float(v.mean())} for k, v in parts.items()}
    report['rows'] = int(x.shape[0])
    report['worst_row'] = int(np.unravel_index(np.argmax(d), d.shape)[0])
    print(json.dumps(report))
    if a.tolerance is not None and report['all']['max_abs'] > a.tolerance:
        raise ReferenceError('max abs difference %.3g exceeds %.3g' % (report['all']['max_abs'], a.tolerance))


def main(argv=None):
    p = argparse.ArgumentParser(prog='tf_reference.py', description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='command', required=True, metavar='COMMAND')

    def arch_flags(q, classes=True):
        q.add_argument('--alpha', type=float, default=0.25, help='MobileNet width multiplier (default 0.25)')
        q.add_argument('--input-size', type=int, default=192, help='input side: 192, 224 or 256 (default 192)')
        if classes:
            q.add_argument('--classes', type=int, default=1, help='object classes, background excluded (default 1)')

    q = sub.add_parser('names', help='print the TinySSD <-> Keras layer-name table',
                       description='The TinySSD <-> Keras layer-name table of the SSD part, in the zoo\'s construction order.')
    arch_flags(q)
    q.set_defaults(run=cmd_names)

    q = sub.add_parser('build', help="construct the zoo's Keras SSD-MobileNet-v1",
                       description="Construct the model zoo's Keras SSD-MobileNet-v1 (fresh Keras initial values) and "
                                   "optionally save it (for training in TensorFlow).")
    arch_flags(q)
    q.add_argument('--summary', action='store_true', help='print the Keras summary')
    q.add_argument('--out', help='save the model: NAME.weights.h5 (weights only) or NAME.keras')
    q.set_defaults(run=cmd_build)

    q = sub.add_parser('load', help='a TinySSD checkpoint -> Keras weights',
                       description='Load a TinySSD checkpoint into the Keras model by name (every network tensor used once, '
                                   'shapes checked; optimizer slots are skipped) and optionally save the Keras weights.')
    q.add_argument('checkpoint', help='TinySSD checkpoint (.safetensors)')
    q.add_argument('--out', help='NAME.weights.h5 or NAME.keras to write')
    q.set_defaults(run=cmd_load)

    q = sub.add_parser('export-checkpoint', help='Keras weights -> a TinySSD checkpoint',
                       description='Write the weights of a Keras model built by this script (a .weights.h5 or .keras file, '
                                   'e.g. after training in TensorFlow) as a TinySSD checkpoint for tinyssd evaluate, '
                                   'detect, train --init and quantization.')
    q.add_argument('weights', help='Keras .weights.h5 or .keras file of the model build_model() makes')
    q.add_argument('--out', required=True, help='TinySSD checkpoint to write (.safetensors)')
    q.add_argument('--like', help='take architecture, class names and rescaling from this TinySSD checkpoint')
    q.add_argument('--class-names', help='comma-separated class names, background excluded (sets the class count)')
    q.add_argument('--alpha', type=float, default=0.25, help='MobileNet width multiplier (default 0.25; ignored with --like)')
    q.add_argument('--input-size', type=int, default=None, help='input side: 192, 224 or 256 (default 192, or --like\'s)')
    q.add_argument('--scale', type=float, help='rescaling scale (default 127.5, or --like\'s)')
    q.add_argument('--offset', type=float, help='rescaling offset (default -1, or --like\'s)')
    q.add_argument('--epoch', type=int, default=0, help='epochs trained, for the metadata (default 0)')
    q.set_defaults(run=cmd_export)

    q = sub.add_parser('convert', help='a TinySSD checkpoint -> int8 .tflite with the TFLite converter',
                       description='Post-training int8 quantization with the TFLite converter, as the model zoo does: '
                                   'Optimize.DEFAULT, representative dataset = the calibration images (sorted file order, '
                                   'first N; cv2.imread -> RGB -> cv2.resize INTER_LINEAR -> x/scale + offset), uint8 '
                                   'input, float32 output, per-channel weights unless --per-tensor.')
    q.add_argument('checkpoint', help='TinySSD checkpoint (.safetensors)')
    q.add_argument('--calibration', required=True, help='folder of calibration images (.jpg, .jpeg, .png)')
    q.add_argument('--out', required=True, help='int8 .tflite to write')
    q.add_argument('--max-images', type=int, default=None, help='use only the first N images (default all)')
    q.add_argument('--per-tensor', action='store_true', help='one weight scale per tensor instead of per channel')
    q.add_argument('--float-out', help='also write the float (non-quantized) conversion here')
    q.add_argument('--json', action='store_true', help='print the report (with timings) as JSON')
    q.set_defaults(run=cmd_convert)

    q = sub.add_parser('forward', help='Keras forward pass on a raw float32 input',
                       description='Run the Keras model of a checkpoint (inference mode) on a raw little-endian float32 '
                                   '[1,S,S,3] input, already rescaled, and write the raw float32 [1,NA,C+9] output.')
    q.add_argument('checkpoint', help='TinySSD checkpoint (.safetensors)')
    q.add_argument('--input', required=True, help='raw float32 [1,S,S,3] file')
    q.add_argument('--output', required=True, help='raw float32 [1,NA,C+9] file to write')
    q.set_defaults(run=cmd_forward)

    q = sub.add_parser('preprocess', help='an image -> the raw network input (float32, and uint8)',
                       description='Pre-process one image as convert\'s calibration does (cv2.imread -> RGB -> cv2.resize '
                                   'INTER_LINEAR -> x/scale + offset) and write it as raw float32 [1,S,S,3]; with --u8 also '
                                   'the quantized uint8 input of the int8 model.')
    q.add_argument('image')
    q.add_argument('--size', type=int, required=True, help='input side S')
    q.add_argument('--out', required=True, help='raw float32 file to write')
    q.add_argument('--u8', help='also write the uint8 model input here')
    q.add_argument('--scale', type=float, default=127.5, help='rescaling scale (default 127.5)')
    q.add_argument('--offset', type=float, default=-1.0, help='rescaling offset (default -1)')
    q.add_argument('--zero-point', type=int, help='uint8 zero point (default -offset*scale truncated: 127)')
    q.set_defaults(run=cmd_preprocess)

    q = sub.add_parser('ops', help="a .tflite's operators with their options, or their differences from another",
                       description='List the operators of a .tflite in execution order with output shape, builtin options '
                                   '(padding, strides, fused activation, ...) and output quantization; with --against, '
                                   'print only the stretches that differ from the reference model.')
    q.add_argument('model')
    q.add_argument('--against', help='reference .tflite to diff against')
    q.add_argument('--scales', action='store_true', help='with --against: also show output type/scale differences of matching operators')
    q.set_defaults(run=cmd_ops)

    q = sub.add_parser('compare', help='differences between two raw float32 model outputs',
                       description='Max and mean absolute differences of two raw float32 [1,NA,C] outputs, overall and '
                                   'for scores, box offsets and anchors; JSON on stdout.')
    q.add_argument('first')
    q.add_argument('second')
    q.add_argument('--columns', type=int, default=10, help='last dimension, classes + 9 (default 10)')
    q.add_argument('--tolerance', type=float, help='fail when the max abs difference exceeds this')
    q.set_defaults(run=cmd_compare)

    a = p.parse_args(argv)
    try:
        a.run(a)
    except ReferenceError as e:
        print('tf_reference.py %s: error: %s' % (a.command, e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
