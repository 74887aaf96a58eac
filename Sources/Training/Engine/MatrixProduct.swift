import COpenBLAS

/// Row-major single-precision GEMM through OpenBLAS: `c = a' b' + beta c` where `a'` is `a`
/// (m x k) or its transpose and `b'` is `b` (k x n) or its transpose.
@inline(__always)
func matrixProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                   b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false, beta: Float,
                   c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0 && n > 0 else { return }
    guard k > 0 else {
        if beta == 0 { for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) } }
        return
    }
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
