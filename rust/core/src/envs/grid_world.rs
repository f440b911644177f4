//! `GridWorld`: a square grid with walls; reach the goal by the shortest path.
//!
//! Cells are numbered `row · size + col`, row 0 at the top. The agent starts at `start` and
//! moves up, right, down or left ([`GridWorldAction`]); a move into a wall or off the grid
//! leaves it in place. Every step costs −1 (the step into the goal too) and entering the goal
//! ends the episode, so the return is minus the number of steps and the optimal return is minus
//! the shortest path length. With probability `slip` a uniformly random action replaces the
//! chosen one. The episode is truncated after `max_steps` steps.

use super::{bad_action, check_probability, not_running, DiscreteEnv, Transition};
use crate::error::{Error, Result};
use crate::rng::{self, Rng};
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The four moves of [`GridWorld`] (the order of Gymnasium's CliffWalking).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum GridWorldAction {
    /// Row − 1.
    Up = 0,
    /// Column + 1.
    Right = 1,
    /// Row + 1.
    Down = 2,
    /// Column − 1.
    Left = 3,
}

/// The grid world (see the module documentation).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GridWorld {
    size: u32,
    walls: Vec<bool>,
    start: u32,
    goal: u32,
    slip: f64,
    max_steps: u32,
    position: u32,
    steps: u32,
    running: bool,
    rng: Rng,
}

impl GridWorld {
    /// Checks the invariants `new` and `step` keep (for an environment decoded from a file).
    pub fn check_state(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::State(format!("inconsistent GridWorld: {reason}")));
        let cells = u64::from(self.size) * u64::from(self.size);
        if Self::check_size(self.size).is_err() || self.walls.len() as u64 != cells {
            return bad(format!(
                "size {} with {} cells",
                self.size,
                self.walls.len()
            ));
        }
        check_probability("slip", self.slip)?;
        for (name, c) in [
            ("start", self.start),
            ("goal", self.goal),
            ("position", self.position),
        ] {
            if u64::from(c) >= cells || self.walls[c as usize] {
                return bad(format!("{name} {c} is off the grid or a wall"));
            }
        }
        if self.start == self.goal || self.max_steps == 0 || self.steps > self.max_steps {
            return bad(format!(
                "start {} goal {} max_steps {} steps {}",
                self.start, self.goal, self.max_steps, self.steps
            ));
        }
        Ok(())
    }

    /// Largest accepted `size` (a grid of `MAX_SIZE²` cells).
    pub const MAX_SIZE: u32 = 256;

    /// Refuses a `size` outside `2..=MAX_SIZE`, naming it. Every size-dependent allocation
    /// (the default walls, the wall map) comes after this check.
    pub fn check_size(size: u32) -> Result<()> {
        if (2..=Self::MAX_SIZE).contains(&size) {
            Ok(())
        } else {
            Err(Error::config(
                "size",
                format!("must be in 2..={}, got {size}", Self::MAX_SIZE),
            ))
        }
    }

    /// The default walls of a `size × size` grid: the middle row except its two end cells
    /// (none for grids smaller than 4, nor for a size [`GridWorld::new`] refuses: this list is
    /// built before `new` checks the size, and must not allocate from an unchecked one).
    pub fn default_obstacles(size: u32) -> Vec<(u32, u32)> {
        if size < 4 || Self::check_size(size).is_err() {
            return Vec::new();
        }
        (1..size - 1).map(|c| (size / 2, c)).collect()
    }

    /// A `size × size` grid (2 ≤ size ≤ 256) with walls at `obstacles` (row, col), the agent
    /// starting at `start` and the goal at `goal`; `max_steps` `None` means `4 · size²`.
    /// Fails when a cell is off the grid, start or goal is a wall, start equals goal, or the
    /// goal cannot be reached from the start.
    pub fn new(
        size: u32,
        obstacles: &[(u32, u32)],
        start: (u32, u32),
        goal: (u32, u32),
        slip: f64,
        max_steps: Option<u32>,
        seed: Option<u64>,
    ) -> Result<Self> {
        Self::check_size(size)?;
        check_probability("slip", slip)?;
        let cell = |name: &str, (r, c): (u32, u32)| -> Result<u32> {
            if r < size && c < size {
                Ok(r * size + c)
            } else {
                Err(Error::config(
                    name,
                    format!("cell ({r}, {c}) is outside the {size}x{size} grid"),
                ))
            }
        };
        let mut walls = vec![false; (size * size) as usize];
        for &o in obstacles {
            walls[cell("obstacles", o)? as usize] = true;
        }
        let start_cell = cell("start", start)?;
        let goal_cell = cell("goal", goal)?;
        if walls[start_cell as usize] {
            return Err(Error::config("start", "is an obstacle"));
        }
        if walls[goal_cell as usize] {
            return Err(Error::config("goal", "is an obstacle"));
        }
        if start_cell == goal_cell {
            return Err(Error::config("goal", "must differ from start"));
        }
        let max_steps = max_steps.unwrap_or_else(|| size.saturating_mul(size).saturating_mul(4));
        if max_steps == 0 {
            return Err(Error::config("max_steps", "must be at least 1"));
        }
        let env = GridWorld {
            size,
            walls,
            start: start_cell,
            goal: goal_cell,
            slip,
            max_steps,
            position: start_cell,
            steps: 0,
            running: false,
            rng: rng::from_seed(seed),
        };
        if env.shortest_path_length().is_none() {
            return Err(Error::config(
                "obstacles",
                "the goal cannot be reached from the start",
            ));
        }
        Ok(env)
    }

    /// Side length.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Whether a cell (index) is a wall.
    pub fn is_wall(&self, cell: u32) -> bool {
        self.walls.get(cell as usize).copied().unwrap_or(false)
    }

    /// The start cell (index).
    pub fn start(&self) -> u32 {
        self.start
    }

    /// The goal cell (index).
    pub fn goal(&self) -> u32 {
        self.goal
    }

    /// Probability that a random action replaces the chosen one.
    pub fn slip(&self) -> f64 {
        self.slip
    }

    /// Step limit of an episode.
    pub fn max_steps(&self) -> u32 {
        self.max_steps
    }

    /// The agent's cell (index).
    pub fn position(&self) -> u32 {
        self.position
    }

    /// The cell reached from `cell` by `action` (walls and edges block).
    pub fn next_cell(&self, cell: u32, action: u32) -> u32 {
        let (r, c) = (cell / self.size, cell % self.size);
        let (nr, nc) = match action {
            0 if r > 0 => (r - 1, c),
            1 if c + 1 < self.size => (r, c + 1),
            2 if r + 1 < self.size => (r + 1, c),
            3 if c > 0 => (r, c - 1),
            _ => (r, c),
        };
        let next = nr * self.size + nc;
        if self.walls[next as usize] {
            cell
        } else {
            next
        }
    }

    /// Length of the shortest path from start to goal (breadth-first search), if any.
    pub fn shortest_path_length(&self) -> Option<u32> {
        let n = (self.size * self.size) as usize;
        let mut dist = vec![u32::MAX; n];
        let mut queue = VecDeque::from([self.start]);
        dist[self.start as usize] = 0;
        while let Some(cell) = queue.pop_front() {
            if cell == self.goal {
                return Some(dist[cell as usize]);
            }
            for a in 0..4 {
                let next = self.next_cell(cell, a);
                if dist[next as usize] == u32::MAX {
                    dist[next as usize] = dist[cell as usize] + 1;
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// A text picture: `A` agent, `G` goal, `#` wall, `.` free; one line per row.
    pub fn render_ansi(&self) -> String {
        let mut out = String::with_capacity(((self.size + 1) * self.size) as usize);
        for r in 0..self.size {
            for c in 0..self.size {
                let cell = r * self.size + c;
                out.push(if cell == self.position {
                    'A'
                } else if cell == self.goal {
                    'G'
                } else if self.walls[cell as usize] {
                    '#'
                } else {
                    '.'
                });
            }
            out.push('\n');
        }
        out
    }
}

impl DiscreteEnv for GridWorld {
    fn n_observations(&self) -> u64 {
        u64::from(self.size) * u64::from(self.size)
    }

    fn n_actions(&self) -> u32 {
        4
    }

    fn reset(&mut self, seed: Option<u64>) -> u64 {
        if let Some(s) = seed {
            self.rng = rng::from_seed(Some(s));
        }
        self.position = self.start;
        self.steps = 0;
        self.running = true;
        u64::from(self.start)
    }

    fn step(&mut self, action: u32) -> Result<Transition> {
        if action >= 4 {
            return Err(bad_action(action, 4));
        }
        if !self.running {
            return Err(not_running());
        }
        let mut action = action;
        if self.slip > 0.0 && self.rng.gen::<f64>() < self.slip {
            action = self.rng.gen_range(0..4);
        }
        self.position = self.next_cell(self.position, action);
        self.steps += 1;
        let terminated = self.position == self.goal;
        let truncated = !terminated && self.steps >= self.max_steps;
        self.running = !(terminated || truncated);
        Ok(Transition {
            observation: u64::from(self.position),
            reward: -1.0,
            terminated,
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_world(size: u32) -> GridWorld {
        GridWorld::new(
            size,
            &GridWorld::default_obstacles(size),
            (0, 0),
            (size - 1, size - 1),
            0.0,
            None,
            Some(1),
        )
        .unwrap()
    }

    #[test]
    fn walls_and_edges_block_moves() {
        let env = default_world(5);
        assert_eq!(env.next_cell(0, GridWorldAction::Up as u32), 0);
        assert_eq!(env.next_cell(0, GridWorldAction::Left as u32), 0);
        assert_eq!(env.next_cell(0, GridWorldAction::Right as u32), 1);
        // (1, 1) is above the wall at (2, 1).
        assert_eq!(env.next_cell(6, GridWorldAction::Down as u32), 6);
        assert_eq!(env.next_cell(5, GridWorldAction::Down as u32), 10);
    }

    #[test]
    fn shortest_path_episode_has_the_optimal_return() {
        let mut env = default_world(5);
        assert_eq!(env.shortest_path_length(), Some(8));
        env.reset(None);
        let path = [1, 1, 1, 1, 2, 2, 2, 2];
        let mut ret = 0.0;
        let mut last = None;
        for a in path {
            let t = env.step(a).unwrap();
            ret += t.reward;
            last = Some(t);
        }
        let last = last.unwrap();
        assert!(last.terminated && !last.truncated);
        assert_eq!(last.observation, 24);
        assert_eq!(ret, -8.0);
    }

    #[test]
    fn unreachable_goal_and_bad_cells_are_config_errors() {
        let wall = [(0, 1), (1, 0)];
        assert!(GridWorld::new(3, &wall, (0, 0), (2, 2), 0.0, None, None).is_err());
        assert!(GridWorld::new(3, &[], (0, 0), (3, 0), 0.0, None, None).is_err());
        assert!(GridWorld::new(3, &[(2, 2)], (0, 0), (2, 2), 0.0, None, None).is_err());
        assert!(GridWorld::new(3, &[], (1, 1), (1, 1), 0.0, None, None).is_err());
        assert!(GridWorld::new(1, &[], (0, 0), (0, 0), 0.0, None, None).is_err());
        // A huge size is refused before anything is sized from it (the default walls of
        // 2**31 would be 16 GiB).
        for size in [257, 1 << 31, u32::MAX] {
            assert!(GridWorld::default_obstacles(size).is_empty());
            let err = GridWorld::new(size, &[], (0, 0), (1, 1), 0.0, None, None).unwrap_err();
            assert!(err.to_string().contains("`size`"), "{err}");
        }
    }

    #[test]
    fn ansi_render_marks_agent_goal_and_walls() {
        let mut env = default_world(4);
        env.reset(None);
        assert_eq!(env.render_ansi(), "A...\n....\n.##.\n...G\n");
    }

    #[test]
    fn truncation_after_max_steps() {
        let mut env = GridWorld::new(3, &[], (0, 0), (2, 2), 0.0, Some(2), None).unwrap();
        env.reset(None);
        assert!(!env.step(0).unwrap().truncated);
        assert!(env.step(0).unwrap().truncated);
        assert!(env.step(0).is_err());
    }
}
