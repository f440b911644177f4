//! The experience graph plans the discounted values of a known world, fades its bonus with
//! visits, values untried actions at V_max, refuses bad input unchanged and gives the numbers
//! of its numpy stand-in (fixture written by bench/experience_graph_fixture.py).

use super::*;
use crate::error::Error;

const GAMMA: f64 = 0.9;

/// Positions 0..5; action 1 steps right, 0 left (stays at 0); −1 a step; reaching 5 ends.
fn corridor(rho: f64, repeats: usize) -> ExperienceGraph {
    let config = Config {
        gamma: GAMMA,
        rho,
        ..Config::default()
    };
    let mut graph = ExperienceGraph::new(1, 2, config).unwrap();
    for _ in 0..repeats {
        for p in 0..5 {
            for a in 0..2 {
                let q = if a == 0 { p.max(1) - 1 } else { p + 1 };
                graph
                    .push(&[p as f64], a, -1.0, &[q as f64], q == 5)
                    .unwrap();
            }
        }
    }
    graph.rebuild().unwrap();
    graph
}

#[test]
fn planning_gives_the_discounted_cost_to_the_end() {
    let graph = corridor(0.02, 1); // neighbours 1/5 of the range apart: weight e^-100
    for p in 0..5 {
        let v = graph.values(&[p as f64], false, false).unwrap();
        let steps = 5 - p;
        let expected = -(1.0 - GAMMA.powi(steps)) / (1.0 - GAMMA);
        assert!((v[1] - expected).abs() < 1e-2, "{p}: {v:?} vs {expected}");
        assert!(v[0] < v[1], "{p}: {v:?}");
    }
}

#[test]
fn the_bonus_fades_with_visits_and_never_passes_v_max() {
    let (once, often) = (corridor(0.1, 1), corridor(0.1, 16));
    assert_eq!(once.v_max(), 0.0); // rewards never positive: the unknown is worth 0
    for p in 0..5 {
        let x = [p as f64];
        let (g1, o1) = (
            once.values(&x, false, false).unwrap(),
            once.values(&x, true, false).unwrap(),
        );
        let (g16, o16) = (
            often.values(&x, false, false).unwrap(),
            often.values(&x, true, false).unwrap(),
        );
        for a in 0..2 {
            assert!(o1[a] <= once.v_max() && o16[a] <= often.v_max());
            assert!(o16[a] - g16[a] < o1[a] - g1[a], "{p} {a}: less optimism");
            assert!(o16[a] >= g16[a]);
        }
    }
}

#[test]
fn an_action_without_nodes_is_worth_v_max() {
    let mut graph = ExperienceGraph::new(1, 3, Config::default()).unwrap();
    for i in 0..100 {
        let x = i as f64 / 100.0;
        let r = if i == 99 { 0.1 } else { -1.0 };
        graph.push(&[x], 0, r, &[x + 0.01], false).unwrap();
    }
    graph.rebuild().unwrap();
    assert!((graph.v_max() - 10.0).abs() < 1e-9);
    for optimistic in [true, false] {
        for lookahead in [true, false] {
            let v = graph.values(&[0.5], optimistic, lookahead).unwrap();
            assert_eq!(&v[1..], &[graph.v_max(); 2]);
            assert!(v[0] < graph.v_max(), "{v:?}");
        }
    }
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let config = Config {
        max_nodes: 3,
        ..Config::default()
    };
    let mut graph = ExperienceGraph::new(2, 2, config).unwrap();
    graph
        .push(&[0.0, 1.0], 1, -1.0, &[0.5, 1.0], false)
        .unwrap();
    graph.rebuild().unwrap();
    let before = format!("{graph:?}");
    let shape = graph.push(&[0.0], 0, 0.0, &[0.0, 0.0], false);
    assert!(matches!(shape, Err(Error::Shape { ref name, .. }) if name == "obs"));
    let nan = graph.push(&[0.0, 0.0], 0, 0.0, &[0.0, f64::NAN], false);
    assert!(matches!(nan, Err(Error::InvalidArgument { ref name, .. }) if name == "next_obs"));
    let inf = graph.push(&[0.0, 0.0], 0, f64::INFINITY, &[0.0, 0.0], false);
    assert!(matches!(inf, Err(Error::InvalidArgument { ref name, .. }) if name == "reward"));
    let action = graph.push(&[0.0, 0.0], 2, 0.0, &[0.0, 0.0], false);
    assert!(matches!(action, Err(Error::InvalidArgument { ref name, .. }) if name == "action"));
    assert!(graph.values(&[0.0, f64::NAN], true, true).is_err());
    assert!(graph.values(&[0.0], false, false).is_err());
    assert_eq!(format!("{graph:?}"), before);
    graph.push(&[0.0, 0.0], 0, 0.0, &[0.0, 0.0], false).unwrap();
    graph.push(&[0.0, 0.0], 0, 0.0, &[0.0, 0.0], false).unwrap();
    let before = format!("{graph:?}");
    let full = graph.push(&[0.0, 0.0], 0, 0.0, &[0.0, 0.0], false);
    assert!(matches!(full, Err(Error::State(ref m)) if m.contains("max_nodes = 3")));
    assert_eq!(format!("{graph:?}"), before);
    assert!(ExperienceGraph::new(0, 2, Config::default()).is_err());
    assert!(ExperienceGraph::new(2, 0, Config::default()).is_err());
    for bad in [
        Config { k: 0, ..config },
        Config { rho: 0.0, ..config },
        Config {
            gamma: 1.0,
            ..config
        },
        Config {
            tol: f64::NAN,
            ..config
        },
        Config {
            max_nodes: 0,
            ..config
        },
    ] {
        assert!(matches!(
            ExperienceGraph::new(2, 2, bad),
            Err(Error::InvalidConfig { .. })
        ));
    }
}

#[test]
fn an_empty_graph_rebuilds_to_nothing_and_values_v_max() {
    let mut graph = ExperienceGraph::new(2, 2, Config::default()).unwrap();
    graph.rebuild().unwrap();
    assert_eq!(
        graph.values(&[0.0, 0.0], true, true).unwrap(),
        vec![0.0, 0.0]
    );
    assert_eq!(graph.planned(), 0);
}

#[test]
fn a_set_stop_flag_gives_up_the_rebuild_and_leaves_the_graph_as_it_was() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let mut graph = corridor(0.02, 1);
    let before = (
        graph.q_greedy().to_vec(),
        graph.scale().to_vec(),
        graph.planned(),
    );
    let probe = |g: &ExperienceGraph| g.values(&[2.5], false, true).unwrap();
    let values = probe(&graph);
    // A step that would change the scale, V_max and every value if it were planned.
    graph.push(&[40.0], 1, 10.0, &[41.0], true).unwrap();
    let stop = AtomicBool::new(true);
    assert!(!graph.rebuild_until(&stop).unwrap());
    assert_eq!(graph.q_greedy(), &before.0[..]);
    assert_eq!(graph.scale(), &before.1[..]);
    assert_eq!(graph.planned(), before.2);
    assert_eq!(probe(&graph), values);
    // Cleared, the same call plans the new step in.
    stop.store(false, Ordering::Relaxed);
    assert!(graph.rebuild_until(&stop).unwrap());
    assert_eq!(graph.planned(), before.2 + 1);
    assert_ne!(graph.scale(), &before.1[..]);
    assert!(graph.v_max() > 0.0);
}

#[test]
fn quantiles_are_numpys_linear_ones() {
    let v = [1.0, 2.0, 4.0, 8.0, 16.0];
    // numpy.quantile(v, [0, 0.02, 0.5, 0.98, 1]) = 1, 1.08, 4, 15.36, 16
    let expect = [
        (0.0, 1.0),
        (0.02, 1.08),
        (0.5, 4.0),
        (0.98, 15.36),
        (1.0, 16.0),
    ];
    for (p, want) in expect {
        assert!((plan::quantile_sorted(&v, p) - want).abs() < 1e-12, "{p}");
    }
}

/// The stand-in's fixture, and a graph fed and rebuilt as it was.
fn standin() -> (serde_json::Value, ExperienceGraph) {
    let fx: serde_json::Value =
        serde_json::from_str(include_str!("testdata/standin.json")).unwrap();
    let c = &fx["config"];
    let config = Config {
        k: c["k"].as_u64().unwrap() as usize,
        rho: c["rho"].as_f64().unwrap(),
        beta: c["beta"].as_f64().unwrap(),
        gamma: c["gamma"].as_f64().unwrap(),
        tol: c["tol"].as_f64().unwrap(),
        max_sweeps: c["max_sweeps"].as_u64().unwrap() as usize,
        ..Config::default()
    };
    let dim = fx["dim"].as_u64().unwrap() as usize;
    let n_actions = fx["n_actions"].as_u64().unwrap() as usize;
    let mut graph = ExperienceGraph::new(dim, n_actions, config).unwrap();
    let s = &fx["steps"];
    let rebuild_at: Vec<u64> = floats(&fx["rebuild_at"])
        .iter()
        .map(|&v| v as u64)
        .collect();
    for i in 0..s["a"].as_array().unwrap().len() {
        graph
            .push(
                &floats(&s["x"][i]),
                s["a"][i].as_u64().unwrap() as usize,
                s["r"][i].as_f64().unwrap(),
                &floats(&s["x2"][i]),
                s["term"][i].as_bool().unwrap(),
            )
            .unwrap();
        if rebuild_at.contains(&(i as u64 + 1)) {
            graph.rebuild().unwrap();
        }
    }
    (fx, graph)
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-6,
            "{what}[{i}]: {g} vs the stand-in's {w}"
        );
    }
}

#[test]
fn the_numbers_are_the_numpy_stand_ins() {
    let (fx, graph) = standin();
    assert_close("scale", graph.scale(), &floats(&fx["scale"]));
    assert_close("v_max", &[graph.v_max()], &[fx["v_max"].as_f64().unwrap()]);
    assert_close("q_opt", graph.q_optimistic(), &floats(&fx["q_opt"]));
    assert_close("q", graph.q_greedy(), &floats(&fx["q"]));
    let queries = fx["queries"].as_array().unwrap();
    for (key, optimistic, lookahead) in [
        ("opt", true, false),
        ("greedy", false, false),
        ("opt_look", true, true),
        ("greedy_look", false, true),
    ] {
        for (i, query) in queries.iter().enumerate() {
            let got = graph.values(&floats(query), optimistic, lookahead).unwrap();
            assert_close(&format!("{key} {i}"), &got, &floats(&fx["values"][key][i]));
        }
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| standin().1)
    };
    let (one, three) = (run(1), run(3));
    assert_eq!(one.q_optimistic(), three.q_optimistic());
    assert_eq!(one.q_greedy(), three.q_greedy());
}

/// splitmix64 uniforms in [0, 1): the same stream as bench/experience_graph_timing.py's.
fn uniforms(seed: u64, count: usize) -> Vec<f64> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
        })
        .collect()
}

/// The timing of bench/experience_graph_timing.py, on the same steps: run by hand with
/// `cargo test --release -p hebbian_core rebuild_time -- --ignored --nocapture` (`EG_N=3000`
/// for fewer steps; the printed mean Q is the stand-in's).
#[test]
#[ignore]
fn rebuild_time_of_100_000_steps_in_6_d() {
    let n = std::env::var("EG_N").map_or(100_000, |v| v.parse().unwrap());
    let dim = 6;
    let u = uniforms(2026, n * (2 * dim + 1));
    let mut graph = ExperienceGraph::new(dim, 3, Config::default()).unwrap();
    for row in u.chunks_exact(2 * dim + 1) {
        let x = &row[..dim];
        let x2: Vec<f64> = x
            .iter()
            .zip(&row[dim..2 * dim])
            .map(|(v, e)| v + 0.1 * (e - 0.5))
            .collect();
        let a = ((row[2 * dim] * 3.0) as usize).min(2);
        let r = if x2[0] > 0.95 { 1.0 } else { -1.0 };
        graph.push(x, a, r, &x2, x2[0] > 0.98).unwrap();
    }
    let start = std::time::Instant::now();
    let scale = graph.quantile_scale().unwrap();
    let index = graph.build_index(&scale).unwrap();
    let go = std::sync::atomic::AtomicBool::new(false);
    let links = graph.link(&index, &scale, &go).unwrap();
    let linked = start.elapsed().as_secs_f64();
    let q_opt = graph
        .plan(vec![100.0; n], &links, 100.0, true, &go)
        .unwrap();
    let planned = start.elapsed().as_secs_f64();
    graph.plan(q_opt, &links, 100.0, false, &go).unwrap();
    let (total, rebuild) = (start.elapsed().as_secs_f64(), std::time::Instant::now());
    graph.rebuild().unwrap();
    eprintln!(
        "rebuild of {n} steps: {:.3} s on {} rayon threads ({linked:.3} s scale+index+links, \
         {:.3} s + {:.3} s planning); mean Q {:.6}",
        rebuild.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
        planned - linked,
        total - planned,
        graph.q_greedy().iter().sum::<f64>() / n as f64
    );
}
