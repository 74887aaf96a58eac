/// One image's draw of the augmentation: the steps in random order with their parameters. The
/// geometric steps (flips, crop, affine) are composed into one map, so the image is resampled once;
/// the pixel-value steps then run in their drawn order.
struct AugmentationPlan: Sendable {
    /// From input to output pixel coordinates.
    var geometry = AffineMap.identity
    /// The value of pixels the geometry brings in from outside the image (the zoo's `cval`).
    var fill: Float = 0
    var photometric: [PhotometricStep] = []

    private enum Step: CaseIterable {
        case horizontalFlip, verticalFlip, crop, affine, multiply, blur, noise, contrast, add
    }

    init() {}

    /// Draws the steps for a `width` x `height` image.
    init(settings: AugmentationSettings, width: Int, height: Int, random: inout SeededRandom) {
        guard settings.augment else { return }
        let w = Double(width), h = Double(height)
        let steps = Step.allCases
        for index in random.permutation(steps.count) {
            switch steps[index] {
            case .horizontalFlip:
                if random.chance(settings.stepProbability), random.chance(settings.horizontalFlip) {
                    geometry = geometry.followed(by: AffineMap(a: -1, b: 0, c: w, d: 0, e: 1, f: 0))
                }
            case .verticalFlip:
                if random.chance(settings.stepProbability), random.chance(settings.verticalFlip) {
                    geometry = geometry.followed(by: AffineMap(a: 1, b: 0, c: 0, d: 0, e: -1, f: h))
                }
            case .crop:
                guard random.chance(settings.stepProbability) else { continue }
                let left = Double(random.uniform(settings.crop)), right = Double(random.uniform(settings.crop))
                let top = Double(random.uniform(settings.crop)), bottom = Double(random.uniform(settings.crop))
                // The kept window is stretched back to the full image, as the zoo's CropAndPad(keep_size=True).
                geometry = geometry.followed(by: AffineMap.translation(-left * w, -top * h))
                    .followed(by: AffineMap.scaling(1 / (1 - left - right), 1 / (1 - top - bottom)))
            case .affine:
                guard random.chance(settings.stepProbability) else { continue }
                let scaleX = Double(random.uniform(settings.scale)), scaleY = Double(random.uniform(settings.scale))
                let shiftX = Double(random.uniform(-settings.translation...settings.translation)) * w
                let shiftY = Double(random.uniform(-settings.translation...settings.translation)) * h
                let rotation = Double(random.uniform(-settings.rotation...settings.rotation))
                let shear = Double(random.uniform(-settings.shearing...settings.shearing))
                fill = random.uniform(settings.fill).rounded()
                geometry = geometry.followed(by: AffineMap.translation(-w / 2, -h / 2))
                    .followed(by: AffineMap.scaling(scaleX, scaleY))
                    .followed(by: AffineMap.shear(degrees: shear))
                    .followed(by: AffineMap.rotation(degrees: rotation))
                    .followed(by: AffineMap.translation(w / 2 + shiftX, h / 2 + shiftY))
            case .multiply:
                let factor = random.uniform(settings.multiply)
                if factor != 1 { photometric.append(.multiply(factor)) }
            case .blur:
                let sigma = random.uniform(0...settings.gaussianBlur)
                // Below this the kernel's side weights are under 1e-40: no visible change.
                if sigma >= 0.05 { photometric.append(.blur(sigma: sigma)) }
            case .noise:
                let sigma = random.uniform(0...settings.noise)
                if sigma > 0 { photometric.append(.noise(sigma: sigma)) }
            case .contrast:
                let factor = random.uniform(settings.linearContrast)
                if factor != 1 { photometric.append(.contrast(factor)) }
            case .add:
                let offsets: SIMD3<Float>
                if random.chance(settings.addPerChannel) {
                    offsets = SIMD3(random.uniform(settings.add), random.uniform(settings.add), random.uniform(settings.add))
                } else {
                    offsets = SIMD3(repeating: random.uniform(settings.add))
                }
                if offsets != .zero { photometric.append(.add(offsets.rounded(.toNearestOrEven))) }
            }
        }
    }
}
