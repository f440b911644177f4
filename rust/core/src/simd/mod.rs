//! The one dispatch layer of the hand-written SIMD kernels.
//!
//! Every kernel with a vector path is chosen here, at run time, the same way:
//!
//! * [`has_avx2`] / [`has_avx2_fma`]: what the running CPU supports (detected once; std caches
//!   the answer);
//! * [`avx2_or_portable!`](crate::simd::avx2_or_portable): runs a call into an
//!   AVX2 + FMA kernel when the CPU has both, else the portable call;
//! * [`avx2_clone!`](crate::simd::avx2_clone): defines a function whose portable body is
//!   also compiled with AVX2 enabled (no FMA, so both builds round alike and agree bit for
//!   bit) and runs that build when the CPU has AVX2;
//! * [`Gemm`]: the matrix product of either float type (`matrixmultiply`'s `dgemm` / `sgemm`),
//!   so a kernel built on it is written once for `f32` and `f64`.
//!
//! Why a macro of our own rather than `pulp` or `multiversion`: the kernels are already
//! written with `std::arch` intrinsics whose lane layout and summation order the tests pin bit
//! for bit against scalar references, and several take const-generic variants; re-expressing
//! them in `pulp`'s SIMD types would change the order of operations (and the bits), and
//! `multiversion` only covers the auto-vectorised clones ([`avx2_clone!`]). Both would add a
//! dependency for what two short macros and two feature checks do.

/// Whether the running CPU has AVX2 (std caches the detection).
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether the running CPU has AVX2 and FMA, which every intrinsics kernel needs.
#[inline]
pub fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `avx2_or_portable!(fast, portable)`: the value of `fast` (an expression calling
/// `#[target_feature(enable = "avx2,fma")]` kernels, evaluated in an `unsafe` block) when the
/// CPU has AVX2 and FMA, else the value of `portable`. On other architectures `fast` is not
/// compiled.
macro_rules! avx2_or_portable {
    ($fast:expr, $portable:expr $(,)?) => {{
        #[cfg(target_arch = "x86_64")]
        let value = if $crate::simd::has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above), all the fast
            // kernels need.
            #[allow(unused_unsafe)]
            unsafe {
                $fast
            }
        } else {
            $portable
        };
        #[cfg(not(target_arch = "x86_64"))]
        let value = $portable;
        value
    }};
}
pub(crate) use avx2_or_portable;

/// Defines `$vis fn $name` whose body is also compiled with AVX2 enabled and runs that build
/// when the CPU has AVX2 (no FMA: both builds round every operation alike and agree bit for
/// bit; the AVX2 build only uses wider registers).
macro_rules! avx2_clone {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn portable($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                    portable($($arg),*)
                }
                if $crate::simd::has_avx2() {
                    // SAFETY: the running CPU supports AVX2 (checked just above).
                    return unsafe { avx2($($arg),*) };
                }
            }
            portable($($arg),*)
        }
    };
}
pub(crate) use avx2_clone;

/// A float type's general matrix product (`matrixmultiply`): `C ← A B` or `C ← A B + C`.
pub trait Gemm: Copy {
    /// `C ← A B` (`accumulate` false) or `C ← A B + C` (true), with row and column strides as
    /// in `matrixmultiply`.
    ///
    /// # Safety
    /// The pointers and strides must describe valid, non-overlapping matrices (`A` m×k,
    /// `B` k×n, `C` m×n).
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        accumulate: bool,
        m: usize,
        k: usize,
        n: usize,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

macro_rules! gemm_impl {
    ($t:ty, $f:path) => {
        impl Gemm for $t {
            #[inline]
            unsafe fn gemm(
                accumulate: bool,
                m: usize,
                k: usize,
                n: usize,
                a: *const $t,
                rsa: isize,
                csa: isize,
                b: *const $t,
                rsb: isize,
                csb: isize,
                c: *mut $t,
                rsc: isize,
                csc: isize,
            ) {
                let beta = if accumulate { 1.0 } else { 0.0 };
                // SAFETY: the caller's contract is matrixmultiply's.
                unsafe { $f(m, k, n, 1.0, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) }
            }
        }
    };
}
gemm_impl!(f64, matrixmultiply::dgemm);
gemm_impl!(f32, matrixmultiply::sgemm);

/// One 256-bit AVX register of `f64` (4 lanes) or `f32` (8 lanes), so that an intrinsics kernel
/// whose algorithm is the same in both precisions is written once. Every method is
/// `#[inline(always)]`: it must be called from a function compiled with AVX2 and FMA enabled
/// (checked by [`avx2_or_portable!`]), where it becomes the one instruction it names.
#[cfg(target_arch = "x86_64")]
pub(crate) trait Avx256:
    Copy + std::ops::Add<Output = Self> + std::ops::Mul<Output = Self> + std::ops::AddAssign
{
    /// The register type (`__m256d` or `__m256`).
    type V: Copy;
    /// Lanes per register.
    const WIDTH: usize;
    /// All lanes zero.
    unsafe fn zero() -> Self::V;
    /// Every lane `x`.
    unsafe fn splat(x: Self) -> Self::V;
    /// `WIDTH` values from `p` (unaligned).
    unsafe fn load(p: *const Self) -> Self::V;
    /// Stores the `WIDTH` lanes of `v` at `p` (unaligned).
    unsafe fn store(p: *mut Self, v: Self::V);
    /// `a · b + c`, rounded once.
    unsafe fn fmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `−(a · b) + c`, rounded once.
    unsafe fn fnmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `a + b`, lane by lane.
    unsafe fn vadd(a: Self::V, b: Self::V) -> Self::V;
    /// `a − b`, lane by lane.
    unsafe fn vsub(a: Self::V, b: Self::V) -> Self::V;
    /// `a · b`, lane by lane.
    unsafe fn vmul(a: Self::V, b: Self::V) -> Self::V;
    /// The sum of the lanes: halves added pairwise, down to one lane.
    unsafe fn hsum(a: Self::V) -> Self;
}

#[cfg(target_arch = "x86_64")]
impl Avx256 for f64 {
    type V = std::arch::x86_64::__m256d;
    const WIDTH: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self::V {
        std::arch::x86_64::_mm256_setzero_pd()
    }
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self::V {
        std::arch::x86_64::_mm256_set1_pd(x)
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self::V {
        std::arch::x86_64::_mm256_loadu_pd(p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f64, v: Self::V) {
        std::arch::x86_64::_mm256_storeu_pd(p, v)
    }
    #[inline(always)]
    unsafe fn fmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_fmadd_pd(a, b, c)
    }
    #[inline(always)]
    unsafe fn fnmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_fnmadd_pd(a, b, c)
    }
    #[inline(always)]
    unsafe fn vadd(a: Self::V, b: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_add_pd(a, b)
    }
    #[inline(always)]
    unsafe fn vsub(a: Self::V, b: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_sub_pd(a, b)
    }
    #[inline(always)]
    unsafe fn vmul(a: Self::V, b: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_mul_pd(a, b)
    }
    #[inline(always)]
    unsafe fn hsum(a: Self::V) -> f64 {
        use std::arch::x86_64::*;
        let lo = _mm256_castpd256_pd128(a);
        let hi = _mm256_extractf128_pd(a, 1);
        let s = _mm_add_pd(lo, hi);
        let h = _mm_unpackhi_pd(s, s);
        _mm_cvtsd_f64(_mm_add_sd(s, h))
    }
}

#[cfg(target_arch = "x86_64")]
impl Avx256 for f32 {
    type V = std::arch::x86_64::__m256;
    const WIDTH: usize = 8;
    #[inline(always)]
    unsafe fn zero() -> Self::V {
        std::arch::x86_64::_mm256_setzero_ps()
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self::V {
        std::arch::x86_64::_mm256_set1_ps(x)
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self::V {
        std::arch::x86_64::_mm256_loadu_ps(p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: Self::V) {
        std::arch::x86_64::_mm256_storeu_ps(p, v)
    }
    #[inline(always)]
    unsafe fn fmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_fmadd_ps(a, b, c)
    }
    #[inline(always)]
    unsafe fn fnmadd(a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_fnmadd_ps(a, b, c)
    }
    #[inline(always)]
    unsafe fn vadd(a: Self::V, b: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_add_ps(a, b)
    }
    #[inline(always)]
    unsafe fn vsub(a: Self::V, b: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_sub_ps(a, b)
    }
    #[inline(always)]
    unsafe fn vmul(a: Self::V, b: Self::V) -> Self::V {
        std::arch::x86_64::_mm256_mul_ps(a, b)
    }
    #[inline(always)]
    unsafe fn hsum(a: Self::V) -> f32 {
        use std::arch::x86_64::*;
        let s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        _mm_cvtss_f32(s)
    }
}
