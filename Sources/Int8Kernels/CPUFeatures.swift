#if TINYSSD_AVX2
import _Builtin_intrinsics.intel.cpuid

/// Whether this CPU and its operating system run AVX-512 F, BW, VL and VNNI code: the condition
/// for using the Int8KernelsAVX512 kernels.
public let avx512VNNIAvailable: Bool = {
    var eax: UInt32 = 0, ebx: UInt32 = 0, ecx: UInt32 = 0, edx: UInt32 = 0
    guard __get_cpuid_count(1, 0, &eax, &ebx, &ecx, &edx) != 0, ecx & (1 << 27) != 0 else { return false }
    guard __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 else { return false }
    let foundation = ebx & (1 << 16) != 0, bytesAndWords = ebx & (1 << 30) != 0, vectorLengths = ebx & (1 << 31) != 0
    guard foundation, bytesAndWords, vectorLengths, ecx & (1 << 11) != 0 else { return false }
    // The operating system saves the upper 16 ZMM registers (XSAVE component 7) only if the
    // XSAVE area of the features it enabled reaches past that component's end.
    guard __get_cpuid_count(0xD, 7, &eax, &ebx, &ecx, &edx) != 0, eax > 0 else { return false }
    let componentEnd = eax + ebx
    guard __get_cpuid_count(0xD, 0, &eax, &ebx, &ecx, &edx) != 0 else { return false }
    return ebx >= componentEnd
}()
#else
/// Builds without the AVX2 paths never use the AVX-512 kernels.
public let avx512VNNIAvailable = false
#endif
