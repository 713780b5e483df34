//! The hash maps of the analysis. Their keys are often names that a scanned
//! file chooses, so a fixed hash function (FxHash) would let a crafted file
//! make them quadratic, while std's SipHash costs a twentieth of a run.
//! foldhash seeds each map at random: that defeats collisions prepared in
//! advance, which is all a file can attempt (it never observes a hash), at
//! a fraction of SipHash's cost.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
