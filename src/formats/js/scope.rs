//! The names one function (or the module) binds, looked up for nearly every
//! identifier, call and declaration of the walk.

use super::visitor::Binding;
use crate::hashing::HashMap;

/// A scope's bindings. Most functions bind a handful of names: a list
/// searched in order beats hashing the name for every scope on the stack.
/// Past [`Bindings::INDEX_FROM`] names (a module with many constants) a
/// hash index keeps lookups constant-time.
#[derive(Default)]
pub(super) struct Bindings<'a> {
    entries: Vec<(&'a str, Binding<'a>)>,
    index: Option<HashMap<&'a str, usize>>,
    /// Some name was bound to an env object (`const env = c.env`): until
    /// then, a member read on a name other than `env` needs no lookup.
    any_env_object: bool,
}

impl<'a> Bindings<'a> {
    const INDEX_FROM: usize = 16;

    /// Binds `name`, replacing an earlier binding of the same name.
    pub fn insert(&mut self, name: &'a str, binding: Binding<'a>) {
        self.any_env_object |= binding.env_object.is_some();
        if let Some(at) = self.position(name) {
            self.entries[at].1 = binding;
            return;
        }
        self.entries.push((name, binding));
        let at = self.entries.len() - 1;
        match &mut self.index {
            Some(index) => {
                index.insert(name, at);
            }
            None if self.entries.len() > Self::INDEX_FROM => {
                self.index = Some(
                    self.entries
                        .iter()
                        .enumerate()
                        .map(|(at, (name, _))| (*name, at))
                        .collect(),
                );
            }
            None => {}
        }
    }

    /// Unbinds every name, keeping the list's allocation.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = None;
        self.any_env_object = false;
    }

    /// Whether some name here was ever bound to an env object.
    pub fn any_env_object(&self) -> bool {
        self.any_env_object
    }

    pub fn get(&self, name: &str) -> Option<&Binding<'a>> {
        self.position(name).map(|at| &self.entries[at].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Binding<'a>> {
        self.position(name).map(|at| &mut self.entries[at].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            // The lengths and first bytes turn away nearly every other
            // name before a full comparison.
            None => self.entries.iter().position(|(bound, _)| {
                bound.len() == name.len()
                    && bound.as_bytes().first() == name.as_bytes().first()
                    && *bound == name
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::js::visitor::BindKind;

    #[test]
    fn later_bindings_replace_earlier_ones_before_and_after_indexing() {
        for count in [3, 40] {
            let names: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
            let mut scope = Bindings::default();
            for name in &names {
                scope.insert(name, Binding::new(BindKind::Let, None));
            }
            scope.insert("n1", Binding::new(BindKind::Param, None));
            assert_eq!(scope.get("n1").map(|b| b.kind), Some(BindKind::Param));
            assert_eq!(scope.get("n2").map(|b| b.kind), Some(BindKind::Let));
            let last = format!("n{}", count - 1);
            assert!(scope.contains_key(&last));
            assert!(!scope.contains_key("missing"));
            if let Some(b) = scope.get_mut(&last) {
                b.opaque = true;
            }
            assert!(scope.get(&last).is_some_and(|b| b.opaque));
        }
    }

    #[test]
    fn an_env_object_binding_is_remembered_until_the_scope_is_cleared() {
        let mut scope = Bindings::default();
        scope.insert("db", Binding::new(BindKind::Const, None));
        assert!(!scope.any_env_object());
        let mut env = Binding::new(BindKind::Const, None);
        env.env_object = Some(crate::formats::js::EnvSource::Worker);
        scope.insert("e", env);
        assert!(scope.any_env_object());
        scope.clear();
        assert!(!scope.any_env_object());
    }
}
