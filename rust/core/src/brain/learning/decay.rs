//! Lazy weight decay: a synapse's weight decays towards `weight_min` from its last touch and is
//! only computed when read. `apply_weight_decay` writes what is owed into every stored weight
//! (O(edges)); reading any weight gives the same value before and after it.

use crate::brain::Brain;

impl Brain {
    /// Writes the decay owed so far into every stored weight. Observable values do not change.
    pub fn apply_weight_decay(&mut self) {
        for s in 0..self.synapses.len() as u32 {
            if self.synapses[s as usize].is_alive() {
                let w = self.slot_weight(s);
                self.synapses[s as usize].weight = w as f32;
            }
        }
        // From now on every stored weight is valid at this time (last touches are kept for pruning).
        self.decay_epoch = self.clock;
    }
}
