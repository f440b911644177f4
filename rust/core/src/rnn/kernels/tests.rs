use super::*;

#[test]
fn matvec_matches_naive_for_odd_sizes() {
    for n in [1usize, 3, 8, 13, 33] {
        let mat: Vec<f64> = (0..2 * n).map(|k| (k as f64 * 0.37).sin()).collect();
        let x: Vec<f64> = (0..n).map(|k| (k as f64 * 0.11).cos()).collect();
        let mut out = vec![0.0; 2];
        matvec(&mut out, &mat, &x);
        for i in 0..2 {
            let naive: f64 = (0..n).map(|j| mat[i * n + j] * x[j]).sum();
            assert!((out[i] - naive).abs() < 1e-12);
        }
    }
}

#[test]
fn matvec_plastic_adds_the_gated_trace() {
    let n = 11;
    let w: Vec<f64> = (0..n * n).map(|k| (k as f64).sin()).collect();
    let a: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.5).cos()).collect();
    let h: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.3).sin()).collect();
    let x: Vec<f64> = (0..n).map(|k| k as f64 - 4.0).collect();
    let mut out = vec![0.0; n];
    matvec_plastic(&mut out, &w, Alpha::PerConnection(&a), &h, &x);
    for i in 0..n {
        let naive: f64 = (0..n)
            .map(|j| (w[i * n + j] + a[i * n + j] * h[i * n + j]) * x[j])
            .sum();
        assert!((out[i] - naive).abs() < 1e-10);
    }
}

/// The inputs of the path comparisons: `w`, `a`, `h` (`n × n`) and `x` (`n`).
fn operands(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let w: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.37).sin()).collect();
    let a: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.21).cos()).collect();
    let h: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.13).sin()).collect();
    let x: Vec<f64> = (0..n).map(|k| (k as f64 * 0.11).cos()).collect();
    (w, a, h, x)
}

/// Every kernel on `path`: (matvec, matvec_plastic, rank1, fused m + drive, fused h + drive).
type Results = [Vec<f64>; 7];

fn run_all(p: Path, n: usize) -> Results {
    let (w, a, h, x) = operands(n);
    let (mut o1, mut o2, mut o3, mut o4) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    matvec_with(p, &mut o1, &w, &x);
    matvec_plastic_with(p, &mut o2, &w, Alpha::PerConnection(&a), &h, &x);
    let mut m1 = w.clone();
    rank1_with(p, &mut m1, 0.9, 0.7, &x, &x, 0.5);
    let up = RankOne {
        keep: 0.9,
        scale: 0.7,
        post: &x,
        pre: &x,
        bound: 0.5,
    };
    let mut m2 = w.clone();
    fused_with(p, &mut o3, &mut m2, up, &x);
    let mut h2 = h.clone();
    fused_plastic_with(p, &mut o4, &w, Alpha::PerConnection(&a), &mut h2, up, &x);
    [o1, o2, m1, m2, o3, h2, o4]
}

#[test]
fn each_path_is_deterministic_and_the_paths_agree_to_a_few_ulp() {
    for n in [1usize, 7, 8, 13, 16, 24, 40, 64, 101, 200] {
        let (fast, slow) = (path(false), path(true));
        let (f1, f2, s) = (run_all(fast, n), run_all(fast, n), run_all(slow, n));
        assert_eq!(f1, f2, "n = {n}: same inputs, same path, same bits");
        for (k, (f, s)) in f1.iter().zip(&s).enumerate() {
            for (i, (a, b)) in f.iter().zip(s).enumerate() {
                // Terms are O(1): n of them summed, each FMA saving one rounding of ≤ 1 ulp.
                let tol = 1e-15 * (n as f64 + 4.0);
                assert!((a - b).abs() <= tol, "n = {n}, result {k}[{i}]: {a} vs {b}");
            }
        }
        if n < LANES {
            // Shorter than a half block: only the tail, computed identically on both paths.
            assert_eq!(f1, s, "n = {n}");
        }
    }
}

#[test]
fn clipping_keeps_nan_on_both_paths() {
    for p in [path(false), path(true)] {
        let mut m = vec![f64::NAN, 3.0, 0.0, 0.0, f64::NAN, -3.0, 0.0, 0.0];
        let b = [0.0; 8];
        rank1_with(p, &mut m, 1.0, 0.0, &[1.0], &b, 1.0);
        assert!(m[0].is_nan() && m[4].is_nan(), "{p:?}");
        assert_eq!((m[1], m[5]), (1.0, -1.0), "{p:?}");
    }
}

#[test]
fn matvec_of_empty_vectors_is_zero() {
    let mut out = vec![5.0; 3];
    matvec(&mut out, &[], &[]);
    assert_eq!(out, vec![0.0; 3]);
}

#[test]
fn fused_update_and_drive_equal_the_two_passes() {
    for p in [path(false), path(true)] {
        for n in [5usize, 13, 24, 37, 64] {
            let w: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.37).sin()).collect();
            let a: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.21).cos()).collect();
            let post: Vec<f64> = (0..n).map(|k| (k as f64 * 0.7).sin()).collect();
            let pre: Vec<f64> = (0..n).map(|k| (k as f64 * 0.3).cos()).collect();
            let up = RankOne {
                keep: 0.95,
                scale: 0.4,
                post: &post,
                pre: &pre,
                bound: 0.8,
            };
            // two passes
            let mut m1 = w.clone();
            let diag: Vec<f64> = (0..n).map(|i| m1[i * n + i]).collect();
            rank1_with(p, &mut m1, 0.95, 0.4, &post, &pre, 0.8);
            (0..n).for_each(|i| m1[i * n + i] = diag[i]);
            let mut o1 = vec![0.0; n];
            matvec_with(p, &mut o1, &m1, &post);
            // fused
            let mut m2 = w.clone();
            let mut o2 = vec![0.0; n];
            fused_with(p, &mut o2, &mut m2, up, &post);
            assert_eq!((&m1, &o1), (&m2, &o2), "{p:?}, n = {n}");
            let mut h1 = a.clone();
            let hd: Vec<f64> = (0..n).map(|i| h1[i * n + i]).collect();
            rank1_with(p, &mut h1, 0.95, 0.4, &post, &pre, 0.8);
            (0..n).for_each(|i| h1[i * n + i] = hd[i]);
            matvec_plastic_with(p, &mut o1, &w, Alpha::PerConnection(&a), &h1, &post);
            let mut h2 = a.clone();
            fused_plastic_with(p, &mut o2, &w, Alpha::PerConnection(&a), &mut h2, up, &post);
            assert_eq!((&h1, &o1), (&h2, &o2), "{p:?}, n = {n}");
        }
    }
}

#[test]
fn rank_updates_clip_to_the_bound() {
    let mut m = vec![0.0; 4];
    rank1_update(&mut m, 1.0, 10.0, &[1.0, -1.0], &[1.0, 0.05], 0.6);
    assert_eq!(m, vec![0.6, 0.5, -0.6, -0.5]);
    rank2_update(
        &mut m,
        &[1.0, 0.0],
        &[0.1, 0.0],
        &[0.0, 1.0],
        &[0.0, 0.1],
        0.6,
    );
    assert!((m[0] - 0.6).abs() < 1e-15 && (m[3] + 0.6).abs() < 1e-15);
}

#[test]
#[should_panic(expected = "dot: lengths")]
fn dot_refuses_slices_of_different_lengths() {
    dot(&[1.0; 9], &[1.0; 8]);
}

#[test]
#[should_panic(expected = "matvec: matrix size")]
fn matvec_refuses_a_short_matrix() {
    matvec(&mut [0.0; 3], &[1.0; 8], &[1.0; 3]);
}

#[test]
#[should_panic(expected = "fused_rank1_matvec_plastic: w size")]
fn fused_plastic_refuses_a_short_w() {
    let (post, pre, x) = ([1.0; 9], [1.0; 9], [1.0; 9]);
    let update = RankOne {
        keep: 1.0,
        scale: 0.1,
        post: &post,
        pre: &pre,
        bound: 1.0,
    };
    let (w, alpha, mut h) = (vec![0.0; 80], vec![1.0; 81], vec![0.0; 81]);
    fused_rank1_matvec_plastic(&mut [0.0; 9], &w, Alpha::of(&alpha), &mut h, update, &x);
}

#[test]
fn a_uniform_alpha_gives_the_bits_of_the_full_matrix() {
    for p in [path(false), path(true)] {
        for n in [5usize, 24, 37] {
            let (w, _, h, x) = operands(n);
            let alpha = vec![0.37; n * n];
            assert!(matches!(Alpha::of(&alpha), Alpha::Uniform(a) if a == 0.37));
            let up = RankOne {
                keep: 0.9,
                scale: 0.7,
                post: &x,
                pre: &w[..n],
                bound: 0.5,
            };
            let (mut h1, mut h2) = (h.clone(), h.clone());
            let (mut o1, mut o2) = (vec![0.0; n], vec![0.0; n]);
            let full = Alpha::PerConnection(&alpha);
            fused_plastic_with(p, &mut o1, &w, full, &mut h1, up, &x);
            fused_plastic_with(p, &mut o2, &w, Alpha::Uniform(0.37), &mut h2, up, &x);
            assert_eq!((&h1, &o1), (&h2, &o2), "{p:?}, n = {n}");
            matvec_plastic_with(p, &mut o1, &w, full, &h, &x);
            matvec_plastic_with(p, &mut o2, &w, Alpha::Uniform(0.37), &h, &x);
            assert_eq!(o1, o2, "{p:?}, n = {n}");
        }
    }
    let mut alpha = vec![0.5; 9];
    alpha[8] = -0.5;
    assert!(matches!(Alpha::of(&alpha), Alpha::PerConnection(_)));
    alpha[8] = 0.5;
    alpha[0] = -0.0;
    alpha[1] = 0.0;
    assert!(
        matches!(Alpha::of(&alpha), Alpha::PerConnection(_)),
        "-0.0 and 0.0 differ"
    );
    assert!(matches!(Alpha::of(&[]), Alpha::PerConnection(_)));
}

/// The scalar `fast_tanh` as first written (early returns, libm's `round`, `as i64`): the
/// branch-free version and both `tanh_into` paths must give its bits.
fn tanh_reference(x: f64) -> f64 {
    let x = x.clamp(-20.0, 20.0);
    if x.abs() < 1e-4 {
        return x;
    }
    let t = 2.0 * x * std::f64::consts::LOG2_E;
    let n = t.round();
    let y = (t - n) * std::f64::consts::LN_2;
    let mut p = 1.0 + y / 9.0;
    for k in (1..=8).rev() {
        p = 1.0 + y / k as f64 * p;
    }
    let e = p * f64::from_bits(((n as i64 + 1023) as u64) << 52);
    (e - 1.0) / (e + 1.0)
}

#[test]
fn tanh_paths_give_the_bits_of_the_scalar_reference() {
    let mut xs: Vec<f64> = (-300_000..=300_000).map(|k| k as f64 * 7.3e-5).collect();
    // around the rounding ties of n (t = 2x·log2 e at ±k/2), the small-x cut and the clamp
    for k in (-120..=120).filter(|k| *k != 0) {
        let x = (k as f64 * 0.5) / (2.0 * std::f64::consts::LOG2_E);
        xs.extend([
            x,
            f64::from_bits(x.to_bits() + 1),
            f64::from_bits(x.to_bits() - 1),
        ]);
    }
    xs.extend([
        0.0, -0.0, 1e-4, -1e-4, 9.99e-5, 20.0, -20.0, 20.5, -1e300, 1e300,
    ]);
    xs.extend([f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE, 5e-324]);
    let reference: Vec<u64> = xs.iter().map(|&x| tanh_reference(x).to_bits()).collect();
    let scalar: Vec<u64> = xs.iter().map(|&x| fast_tanh(x).to_bits()).collect();
    assert_eq!(scalar, reference);
    for p in [path(false), path(true)] {
        // odd lengths exercise the scalar tail after the four-lane body
        for len in [xs.len(), xs.len() - 1, 3] {
            let mut out = vec![0.0; len];
            tanh_with(p, &mut out, &xs[..len]);
            let bits: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
            assert!(bits == reference[..len], "{p:?}, length {len}");
        }
    }
    assert!(fast_tanh(f64::NAN).is_nan());
}

#[test]
fn matvec_rows_in_pairs_give_the_bits_of_single_rows() {
    for p in [path(false), path(true)] {
        for n in [1usize, 7, 8, 9, 16, 24, 100, 101] {
            for rows in [1usize, 2, 3, 5, 100] {
                let mat: Vec<f64> = (0..rows * n).map(|k| (k as f64 * 0.37).sin()).collect();
                let x: Vec<f64> = (0..n).map(|k| (k as f64 * 0.11).cos()).collect();
                let mut out = vec![0.0; rows];
                matvec_with(p, &mut out, &mat, &x);
                for (i, o) in out.iter().enumerate() {
                    let single = path_call!(p, dot(&mat[i * n..(i + 1) * n], &x));
                    assert_eq!(
                        o.to_bits(),
                        single.to_bits(),
                        "{p:?}, n {n}, row {i}/{rows}"
                    );
                }
            }
        }
    }
}

#[test]
fn elementwise_kernels_match_their_scalar_loops() {
    let n = 37;
    let v = |s: f64| -> Vec<f64> { (0..n).map(|k| (k as f64 * s).sin()).collect() };
    let (drive, noise, a) = (v(0.3), v(0.7), v(1.1));
    let (mut x, mut avg, mut fl) = (v(0.5), v(0.9), vec![0.0; n]);
    let (x0, avg0) = (x.clone(), avg.clone());
    leaky_step(&mut x, &mut avg, &mut fl, &drive, &noise, 0.3, 0.05);
    for i in 0..n {
        let xi = x0[i] + 0.3 * (drive[i] - x0[i]) + noise[i];
        assert_eq!(x[i].to_bits(), xi.to_bits());
        assert_eq!(fl[i].to_bits(), (xi - avg0[i]).to_bits());
        assert_eq!(
            avg[i].to_bits(),
            (0.05 * avg0[i] + (1.0 - 0.05) * xi).to_bits()
        );
    }
    let mut e = v(0.2);
    let e0 = e.clone();
    axpy(&mut e, 0.37, &a);
    let mut w = v(0.4);
    let w0 = w.clone();
    add_clipped(&mut w, 3.0, &a, 0.5);
    for i in 0..n {
        assert_eq!(e[i].to_bits(), (e0[i] + 0.37 * a[i]).to_bits());
        assert_eq!(
            w[i].to_bits(),
            (w0[i] + (3.0 * a[i]).clamp(-0.5, 0.5)).to_bits()
        );
    }
}
