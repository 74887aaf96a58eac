// e^x in single precision, computed exactly as glibc's expf on x86-64 with FMA (the libm LiteRT
// calls when it builds its int8 softmax table). Written without libm so the kernels also build
// for bare-metal targets; verified against glibc over every float in (-103.9, 88.7).
//
// Method: x = (k + r) * ln2 / 32 with integer k and |r| <= 1/2; e^x = 2^(k/32) * 2^(r/32), the
// first factor from a 32-entry table of 2^(i/32), the second from a cubic polynomial.

/// Bit patterns of 2^(i/32) with `i << 47` subtracted, so adding `k << 47` yields 2^(k/32).
private let exponentialTable: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                               UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                               UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                               UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0x3ff0_0000_0000_0000, 0x3fef_d9b0_d315_8574, 0x3fef_b558_6cf9_890f, 0x3fef_9301_d012_5b51,
    0x3fef_72b8_3c7d_517b, 0x3fef_5487_3168_b9aa, 0x3fef_387a_6e75_6238, 0x3fef_1e9d_f51f_dee1,
    0x3fef_06fe_0a31_b715, 0x3fee_f1a7_373a_a9cb, 0x3fee_dea6_4c12_3422, 0x3fee_ce08_6061_892d,
    0x3fee_bfda_d536_2a27, 0x3fee_b42b_569d_4f82, 0x3fee_ab07_dd48_5429, 0x3fee_a47e_b03a_5585,
    0x3fee_a09e_667f_3bcd, 0x3fee_9f75_e8ec_5f74, 0x3fee_a114_73eb_0187, 0x3fee_a589_994c_ce13,
    0x3fee_ace5_422a_a0db, 0x3fee_b737_b0cd_c5e5, 0x3fee_c491_82a3_f090, 0x3fee_d503_b23e_255d,
    0x3fee_e89f_995a_d3ad, 0x3fee_ff76_f2fb_5e47, 0x3fef_199b_dd85_529c, 0x3fef_3720_dcef_9069,
    0x3fef_5818_dcfb_a487, 0x3fef_7c97_337b_9b5f, 0x3fef_a4af_a2a4_90da, 0x3fef_d076_5b6e_4540
)

@inline(__always)
private func exponentialTableEntry(_ index: Int) -> UInt64 {
    withUnsafeBytes(of: exponentialTable) { $0.load(fromByteOffset: index * 8, as: UInt64.self) }
}

/// e^x, bit-identical to glibc's `expf` on FMA hardware.
public func exponential(_ x: Float) -> Float {
    if x.isNaN { return x }
    if x > 0x1.62e42ep6 { return .infinity }       // above log(2^128)
    if x < -0x1.9fe368p6 { return 0 }              // below log(2^-150)
    let n = 32.0
    let invLn2TimesN = 0x1.71547652b82fep+0 * n
    let shift = 0x1.8p+52
    let c0 = 0x1.c6af84b912394p-5 / n / n / n
    let c1 = 0x1.ebfce50fac4f3p-3 / n / n
    let c2 = 0x1.62e42ff0c52d6p-1 / n

    let xd = Double(x)
    // Both products are fused with their sums, as GCC contracts them in glibc's FMA build.
    var kd = shift.addingProduct(invLn2TimesN, xd)
    let ki = kd.bitPattern
    kd -= shift
    let r = (-kd).addingProduct(invLn2TimesN, xd)
    let bits = exponentialTableEntry(Int(ki % 32)) &+ (ki << 47)
    let s = Double(bitPattern: bits)
    let z = c1.addingProduct(c0, r)
    let r2 = r * r
    var y = (1.0).addingProduct(c2, r)
    y = y.addingProduct(z, r2)
    return Float(y * s)
}
