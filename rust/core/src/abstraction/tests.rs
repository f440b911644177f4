use super::*;
use crate::abstraction::{grid_bytes, MAX_GRID_BYTES};

fn params(cells: u32, warmup: u32, max_cells: u32) -> GridParams {
    GridParams {
        cells,
        warmup,
        max_cells,
        split_after: 0,
    }
}

fn unbounded(dims: usize) -> (Vec<f64>, Vec<f64>) {
    (vec![f64::NEG_INFINITY; dims], vec![f64::INFINITY; dims])
}

#[test]
fn bins_follow_the_cell_budget() {
    assert_eq!(bins_per_dimension(256, 1), 256);
    assert_eq!(bins_per_dimension(256, 2), 16);
    assert_eq!(bins_per_dimension(256, 4), 4);
    assert_eq!(bins_per_dimension(256, 6), 3);
    assert_eq!(bins_per_dimension(144, 4), 3);
    assert_eq!(
        bins_per_dimension(1 << 30, 1),
        32767,
        "2·(b − 1) + 1 bins fit a u16"
    );
    assert_eq!(bins_per_dimension(256, 40), 2);
}

#[test]
fn edges_are_quantiles_of_the_warmup_and_then_frozen() {
    let (lo, hi) = unbounded(1);
    let mut g = QuantileGrid::new(&lo, &hi, params(4, 8, 100)).unwrap();
    for x in [7.0, 1.0, 5.0, 3.0, 0.0, 6.0, 2.0] {
        g.cell(&[x], true, true).unwrap();
        assert!(!g.fitted());
    }
    g.cell(&[4.0], true, true).unwrap();
    assert!(g.fitted());
    // sorted 0..7, quantiles 1/4, 2/4, 3/4 at entries 2, 4, 6
    assert_eq!(g.edges(), &[vec![2.0, 4.0, 6.0]]);
    let before = g.edges().to_vec();
    for x in [100.0, -100.0, 1e9] {
        g.cell(&[x], true, true).unwrap();
    }
    assert_eq!(g.edges(), &before[..]);
    let a = g.cell(&[-5.0], false, false).unwrap();
    let b = g.cell(&[1.9], false, false).unwrap();
    assert_eq!(a, b, "both in the first bin");
    assert_ne!(g.cell(&[2.0], false, false).unwrap(), a);
}

#[test]
fn finite_bounds_add_even_cuts() {
    // Warm-up values near 0, bounds [-1, 1]: the quantile edges sit near 0, the even cuts at
    // -0.5, 0 and 0.5 cover the rest of the space.
    let mut g = QuantileGrid::new(&[-1.0], &[1.0], params(4, 100, 100)).unwrap();
    for i in 0..100 {
        g.cell(&[(i as f64 - 50.0) * 1e-4], true, true).unwrap();
    }
    let e = &g.edges()[0];
    assert_eq!(e.len(), 5, "{e:?}");
    assert_eq!((e[0], e[4]), (-0.5, 0.5));
    assert!(e[1..4].iter().all(|x| x.abs() < 0.01), "{e:?}");
    let (lo, hi) = unbounded(1);
    let mut u = QuantileGrid::new(&lo, &hi, params(4, 100, 100)).unwrap();
    for i in 0..100 {
        u.cell(&[(i as f64 - 50.0) * 1e-4], true, true).unwrap();
    }
    assert_eq!(u.edges()[0].len(), 3);
    assert!(u.edges()[0].iter().all(|x| x.abs() < 0.01));
}

#[test]
fn a_constant_dimension_gets_one_bin() {
    let (lo, hi) = unbounded(2);
    let mut g = QuantileGrid::new(&lo, &hi, params(16, 10, 100)).unwrap();
    for i in 0..10 {
        g.cell(&[3.0, i as f64], true, true).unwrap();
    }
    assert!(g.edges()[0].is_empty());
    assert_eq!(g.edges()[1].len(), 3);
}

#[test]
fn ids_are_dense_and_capped() {
    let (lo, hi) = unbounded(1);
    let mut g = QuantileGrid::new(&lo, &hi, params(100, 100, 3)).unwrap();
    for i in 0..100 {
        g.cell(&[i as f64], true, false).unwrap();
    }
    assert!(g.fitted());
    let ids: Vec<u32> = (0..6)
        .map(|i| g.cell(&[i as f64 * 10.0], false, true).unwrap())
        .collect();
    assert_eq!(ids, vec![0, 1, 2, 3, 3, 3], "overflow id = max_cells = 3");
    assert_eq!(g.n_cells(), 3);
    assert_eq!(g.cell(&[20.0], false, false).unwrap(), 2, "known cell");
    assert_eq!(g.cell(&[99.0], false, false).unwrap(), g.unknown_id());
    assert_eq!(g.n_cells(), 3);
}

#[test]
fn provisional_cells_are_orthants_around_the_first_observation() {
    let (lo, hi) = unbounded(2);
    let mut g = QuantileGrid::new(&lo, &hi, params(16, 100, 100)).unwrap();
    let a = g.cell(&[1.0, 1.0], true, true).unwrap();
    let b = g.cell(&[2.0, 0.5], true, true).unwrap();
    let c = g.cell(&[0.0, 0.0], true, true).unwrap();
    assert_eq!((a, b, c), (0, 1, 0));
    assert_eq!(g.cell(&[5.0, 5.0], true, true).unwrap(), 2);
}

#[test]
fn bad_observations_change_nothing() {
    let (lo, hi) = unbounded(2);
    let mut g = QuantileGrid::new(&lo, &hi, params(16, 2, 100)).unwrap();
    g.cell(&[0.0, 0.0], true, true).unwrap();
    let before = g.clone();
    assert!(matches!(
        g.cell(&[f64::NAN, 0.0], true, true),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        g.cell(&[0.0], true, true),
        Err(Error::Shape { .. })
    ));
    assert_eq!(g, before);
    // infinities are placed (edge bins)
    g.cell(&[f64::INFINITY, f64::NEG_INFINITY], true, true)
        .unwrap();
}

#[test]
fn bad_arguments_are_refused() {
    let (lo, hi) = unbounded(1);
    assert!(QuantileGrid::new(&lo, &hi, params(1, 1, 1)).is_err());
    assert!(QuantileGrid::new(&lo, &hi, params(4, 0, 1)).is_err());
    assert!(QuantileGrid::new(&lo, &hi, params(4, 1, 0)).is_err());
    assert!(QuantileGrid::new(&[], &[], GridParams::default()).is_err());
    assert!(QuantileGrid::new(&[1.0], &[1.0], GridParams::default()).is_err());
    assert!(QuantileGrid::new(&[f64::NAN], &[1.0], GridParams::default()).is_err());
    assert!(QuantileGrid::new(&[0.0, 0.0], &[1.0], GridParams::default()).is_err());
}

#[test]
fn a_serialized_grid_continues_identically() {
    let (lo, hi) = unbounded(3);
    let mut g = QuantileGrid::new(&lo, &hi, params(27, 50, 1000)).unwrap();
    let obs = |i: usize| {
        let t = i as f64;
        [(t * 0.37).sin(), (t * 0.11).cos() * 3.0, t % 7.0]
    };
    for i in 0..40 {
        g.cell(&obs(i), true, true).unwrap();
    }
    let bytes = bincode::serialize(&g).unwrap();
    let mut h: QuantileGrid = bincode::deserialize(&bytes).unwrap();
    h.rebuild_index().unwrap();
    assert_eq!(g, h);
    for i in 40..200 {
        assert_eq!(
            g.cell(&obs(i), true, true).unwrap(),
            h.cell(&obs(i), true, true).unwrap()
        );
    }
    assert_eq!(g, h);
}

#[test]
fn a_leaf_splits_at_the_mean_of_its_most_spread_dimension() {
    let (lo, hi) = unbounded(2);
    let mut p = params(4, 4, 100);
    p.split_after = 4;
    let mut g = QuantileGrid::new(&lo, &hi, p).unwrap();
    // Warm-up: dimension 0 spreads 0..3, dimension 1 is nearly flat.
    for i in 0..4 {
        g.cell(&[i as f64, 0.001 * i as f64], true, true).unwrap();
    }
    assert!(g.fitted());
    let before = g.n_cells();
    // The last warm-up observation (3, 0.003) was the first visit to the top cell; three more,
    // spread along dimension 1 (relative to its warm-up scale), make four: a split at the mean
    // of dimension 1, (0.003 + 1 + 2 + 1) / 4 = 1.00075.
    let obs = [[5.0, 1.0], [5.1, 2.0], [5.0, 1.0], [5.1, 2.0]];
    let mut ids = Vec::new();
    for (i, o) in obs.iter().enumerate() {
        ids.push(g.cell(o, true, true).unwrap());
        if i < 2 {
            assert_eq!(g.last_split(), None);
        }
        if i == 2 {
            // reported once, by the call that split: (retired, left, right)
            assert_eq!(g.last_split(), Some((ids[0], before, before + 1)));
        }
    }
    assert_eq!(g.last_split(), None, "the next call reports no split");
    assert_eq!(g.n_cells(), before + 2, "one split: two more ids");
    let (left, right) = (
        g.cell(&[5.0, 0.5], false, false).unwrap(),
        g.cell(&[5.0, 1.8], false, false).unwrap(),
    );
    assert_ne!(left, right);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(
        (ids[2], ids[3]),
        (left, right),
        "the splitting visit takes its new leaf's id"
    );
    assert!(ids[0] != left && ids[0] != right);
    // the depth-1 leaves wait 2 · 4 visits before they split again
    for i in 0..6 {
        g.cell(&[5.0, 1.5 + 0.1 * i as f64], true, true).unwrap();
    }
    assert_eq!(
        g.n_cells(),
        before + 2,
        "7 visits to the right leaf: not yet"
    );
    g.cell(&[5.0, 1.9], true, true).unwrap();
    assert_eq!(g.n_cells(), before + 4, "the 8th splits it");
}

#[test]
fn splits_stop_at_the_cap_and_a_split_grid_round_trips() {
    let (lo, hi) = unbounded(2);
    let mut p = params(4, 10, 12);
    p.split_after = 3;
    let mut g = QuantileGrid::new(&lo, &hi, p).unwrap();
    let obs = |i: usize| {
        [
            ((i * 7919) % 13) as f64 * 0.1,
            ((i * 104729) % 17) as f64 * 0.01,
        ]
    };
    for i in 0..300 {
        g.cell(&obs(i), true, true).unwrap();
    }
    assert!(g.n_cells() <= 12);
    let mut h = QuantileGrid::from_bytes("<test>", &g.to_bytes()).unwrap();
    assert_eq!(g, h);
    for i in 300..400 {
        assert_eq!(
            g.cell(&obs(i), true, true).unwrap(),
            h.cell(&obs(i), true, true).unwrap()
        );
    }
    let mut bytes = g.to_bytes();
    let n = bytes.len();
    bytes.truncate(n - 1);
    assert!(matches!(
        QuantileGrid::from_bytes("<test>", &bytes),
        Err(Error::FileFormat { .. })
    ));
}

/// A fitted 2-d grid with a few cells (splitting when `split_after` > 0).
fn fitted_grid(split_after: u32) -> QuantileGrid {
    let mut p = params(16, 8, 100);
    p.split_after = split_after;
    let mut g = QuantileGrid::new(&[0.0, 0.0], &[1.0, 1.0], p).unwrap();
    for i in 0..40 {
        let t = i as f64;
        g.cell(
            &[(t * 0.37).sin().abs(), (t * 0.11).cos().abs()],
            true,
            true,
        )
        .unwrap();
    }
    assert!(g.fitted());
    g
}

fn leaf_sums(g: &QuantileGrid) -> Vec<usize> {
    g.trees
        .nodes
        .iter()
        .filter_map(|n| match n {
            TreeNode::Leaf { sum, sum_sq, .. } => Some(sum.len() + sum_sq.len()),
            TreeNode::Split { .. } => None,
        })
        .collect()
}

#[test]
fn a_grid_that_never_splits_keeps_no_sums() {
    let g = fitted_grid(0);
    let sums = leaf_sums(&g);
    assert!(!sums.is_empty());
    assert!(sums.iter().all(|&n| n == 0), "{sums:?}");
    assert!(leaf_sums(&fitted_grid(2)).iter().all(|&n| n == 4));
}

#[test]
fn a_leaf_saved_without_sums_still_splits() {
    let mut g = fitted_grid(2);
    for node in &mut g.trees.nodes {
        if let TreeNode::Leaf { sum, sum_sq, .. } = node {
            sum.clear();
            sum_sq.clear();
        }
    }
    let mut h = QuantileGrid::from_bytes("<test>", &g.to_bytes()).unwrap();
    let before = h.n_cells();
    for i in 0..200 {
        let t = i as f64;
        h.cell(&[(t * 0.7).sin().abs(), (t * 0.3).cos().abs()], true, true)
            .unwrap();
    }
    assert!(
        h.n_cells() > before,
        "the leaves split once they have counted again"
    );
}

#[test]
fn the_memory_budget_refuses_a_grid_that_could_outgrow_it() {
    let d = MAX_GRID_DIMS;
    let (lo, hi) = (vec![0.0; d], vec![1.0; d]);
    // the defaults on 65 536 values: ~26 GB of keys and 0.5 GB of warm-up record
    let err = QuantileGrid::new(&lo, &hi, GridParams::default()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{text}");
    for word in ["max_cells", "warmup", "65536 values", "budget"] {
        assert!(text.contains(word), "{word} not in {text}");
    }
    assert!(grid_bytes(d, &GridParams::default()) > MAX_GRID_BYTES);
    let small = params(144, 256, 1024);
    assert!(grid_bytes(d, &small) <= MAX_GRID_BYTES);
    QuantileGrid::new(&lo, &hi, small).unwrap();
    // splitting adds 16 bytes per dimension per cell id
    let mut split = small;
    split.split_after = 1;
    assert_eq!(
        grid_bytes(d, &split) - grid_bytes(d, &small),
        1024 * 16 * d as u64
    );
    // CartPole with the defaults: a few MB
    assert!(grid_bytes(4, &GridParams::default()) < 20 << 20);
}

/// `g` saved after `edit`, then loaded: the error text, or None when it loads.
fn load_after(edit: impl Fn(&mut QuantileGrid)) -> Option<String> {
    let mut g = fitted_grid(2);
    edit(&mut g);
    match QuantileGrid::from_bytes("<test>", &g.to_bytes()) {
        Ok(_) => None,
        Err(e @ Error::FileFormat { .. }) => Some(e.to_string()),
        Err(e) => panic!("not a format error: {e}"),
    }
}

#[test]
fn a_loaded_grid_is_checked_as_the_constructor_checks() {
    assert_eq!(load_after(|_| {}), None);
    type Edit = Box<dyn Fn(&mut QuantileGrid)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("low", Box::new(|g| g.low[0] = f64::NAN)),
        ("low", Box::new(|g| g.high[1] = -1.0)),
        ("edges", Box::new(|g| g.edges[0].push(f64::NAN))),
        (
            "edges",
            Box::new(|g| {
                let first = g.edges[1][0];
                g.edges[1].push(first);
            }),
        ),
        ("edges", Box::new(|g| g.edges[0].reverse())),
        (
            "edges",
            Box::new(|g| g.edges[1] = (0..70_000).map(|i| i as f64).collect()),
        ),
        ("scale", Box::new(|g| g.scale[0] = f64::NAN)),
        ("scale", Box::new(|g| g.scale[1] = -0.5)),
        (
            "tree node",
            Box::new(|g| {
                for n in &mut g.trees.nodes {
                    if let TreeNode::Split { threshold, .. } = n {
                        *threshold = f64::NAN;
                    }
                }
            }),
        ),
    ];
    for (i, (field, edit)) in cases.iter().enumerate() {
        let text = load_after(edit).unwrap_or_else(|| panic!("case {i} loaded"));
        assert!(text.contains(field), "case {i}: {field} not in {text}");
    }
}

#[test]
fn a_loaded_grid_keeps_its_saved_cap_but_not_a_warm_up_over_the_budget() {
    // Grids saved before the budget existed may have a larger cap: they load and work.
    let mut g = fitted_grid(0);
    g.params.max_cells = 1 << 30;
    assert!(grid_bytes(2, &g.params) > MAX_GRID_BYTES);
    let mut loaded = QuantileGrid::from_bytes("<test>", &g.to_bytes()).unwrap();
    assert_eq!(
        loaded.cell(&[0.5, 0.5], true, true).unwrap(),
        g.cell(&[0.5, 0.5], true, true).unwrap()
    );
    // An unfitted grid whose warm-up record alone would pass the budget is refused by name.
    let d = 16;
    let mut u = QuantileGrid::new(&vec![0.0; d], &vec![1.0; d], params(16, 8, 100)).unwrap();
    u.cell(&vec![0.5; d], true, true).unwrap();
    u.params.warmup = 1 << 24; // 8 · 16 · 2^24 bytes = 2 GiB
    let text = match QuantileGrid::from_bytes("<test>", &u.to_bytes()) {
        Err(e @ Error::FileFormat { .. }) => e.to_string(),
        other => panic!("loaded or wrong error: {:?}", other.err()),
    };
    assert!(text.contains("warmup") && text.contains("budget"), "{text}");
}

#[test]
fn infinite_observations_give_infinite_edges_that_save_and_load() {
    let (lo, hi) = unbounded(1);
    let mut g = QuantileGrid::new(&lo, &hi, params(4, 8, 100)).unwrap();
    for x in [
        f64::INFINITY,
        f64::NEG_INFINITY,
        1.0,
        2.0,
        f64::INFINITY,
        3.0,
        0.0,
        5.0,
    ] {
        g.cell(&[x], true, true).unwrap();
    }
    assert!(g.edges()[0].contains(&f64::INFINITY), "{:?}", g.edges());
    let mut loaded = QuantileGrid::from_bytes("<test>", &g.to_bytes()).unwrap();
    for x in [f64::NEG_INFINITY, -1.0, 2.5, 1e300, f64::INFINITY] {
        assert_eq!(
            loaded.cell(&[x], false, true).unwrap(),
            g.cell(&[x], false, true).unwrap()
        );
    }
}
