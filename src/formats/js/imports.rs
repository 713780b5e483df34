//! Imports and exports, for the cross-file module graph.

use oxc_ast::ast::{
    CallExpression, Class, ClassElement, Declaration, ExportAllDeclaration, ExportDeclaration,
    ExportDefaultDeclaration, ExportDefaultDeclarationKind, ExportFromDeclaration,
    ExportNamedDeclaration, Expression, ImportDeclaration, ImportDeclarationSpecifier,
    ImportExpression, ObjectPropertyKind, TSExportAssignment,
};
use oxc_span::GetSpan;

use super::expr::{arg, key_name, path_text, sp, string_value, unwrap, unwrap_await};
use super::visitor::Extractor;
use super::{
    Export, ExportKind, ExportValue, ExportedClass, ExportedProperty, FunctionKind, Import,
    ImportKind, Imported, ImportedName, SPREAD_KEY, ValueRef, WrappedCall,
};
use crate::span::Spanned;

impl<'a> Extractor<'a> {
    pub(super) fn on_import(&mut self, d: &'a ImportDeclaration<'a>) {
        let names = d
            .specifiers
            .iter()
            .flatten()
            .map(|s| match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => ImportedName {
                    imported: Imported::Named(s.imported.name().as_str().into()),
                    local: s.local.name.as_str().into(),
                    span: sp(s.span),
                },
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => ImportedName {
                    imported: Imported::Default,
                    local: s.local.name.as_str().into(),
                    span: sp(s.span),
                },
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => ImportedName {
                    imported: Imported::Namespace,
                    local: s.local.name.as_str().into(),
                    span: sp(s.span),
                },
            })
            .collect();
        self.facts.imports.push(Import {
            source: Spanned::new(d.source.value.as_str().into(), sp(d.source.span)),
            names,
            type_only: d.import_kind.is_type(),
            kind: ImportKind::Static,
            span: sp(d.span),
        });
    }

    pub(super) fn on_import_expression(&mut self, i: &'a ImportExpression<'a>) {
        if let Some(s) = string_value(&i.source) {
            self.facts.imports.push(Import {
                source: Spanned::new(s.into(), sp(i.source.span())),
                names: Vec::new(),
                type_only: false,
                kind: ImportKind::Dynamic,
                span: sp(i.span),
            });
        }
    }

    pub(super) fn imports_on_call(&mut self, call: &'a CallExpression<'a>, callee: &str) {
        if callee != "require" || call.arguments.len() != 1 {
            return;
        }
        if let Some(e) = arg(&call.arguments, 0)
            && let Some(s) = string_value(e)
        {
            self.facts.imports.push(Import {
                source: Spanned::new(s.into(), sp(e.span())),
                names: Vec::new(),
                type_only: false,
                kind: ImportKind::Require,
                span: sp(call.span),
            });
        }
    }

    fn class_value(&mut self, c: &'a Class<'a>) -> ExportValue {
        let mut methods = Vec::new();
        for el in &c.body.body {
            if let ClassElement::MethodDefinition(m) = el
                && let Some(k) = key_name(&m.key)
            {
                let id = self.function_id(m.value.span, FunctionKind::Method);
                methods.push(ExportedProperty {
                    key: k.into_owned(),
                    value: ValueRef::Function(id),
                    span: sp(m.span),
                });
            }
        }
        ExportValue::Class(Box::new(ExportedClass {
            name: c.id.as_ref().map(|id| id.name.to_string()),
            extends: c.heritage.as_ref().and_then(|h| path_text(&h.expression)),
            methods,
        }))
    }

    fn export_value(&mut self, e: &'a Expression<'a>) -> ExportValue {
        match unwrap_await(e) {
            Expression::ObjectExpression(o) => {
                let mut props = Vec::new();
                for p in &o.properties {
                    let p = match p {
                        ObjectPropertyKind::ObjectProperty(p) => p,
                        // `...handlers`: keys this export may have that are
                        // not written here, recorded as the key `...`.
                        ObjectPropertyKind::SpreadProperty(s) => {
                            props.push(ExportedProperty {
                                key: SPREAD_KEY.to_string(),
                                value: self.value_ref(&s.argument),
                                span: sp(s.span),
                            });
                            continue;
                        }
                    };
                    let Some(k) = key_name(&p.key) else {
                        props.push(ExportedProperty {
                            key: SPREAD_KEY.to_string(),
                            value: self.value_ref(&p.value),
                            span: sp(p.span),
                        });
                        continue;
                    };
                    let value = self.value_ref(&p.value);
                    props.push(ExportedProperty {
                        key: k.into_owned(),
                        value,
                        span: sp(p.span),
                    });
                }
                ExportValue::Object(props)
            }
            Expression::ClassExpression(c) => self.class_value(c),
            Expression::CallExpression(call) => {
                let v = self.value_ref(e);
                if !matches!(v, ValueRef::Call { .. }) || call.arguments.is_empty() {
                    return ExportValue::Value(v);
                }
                let args = call
                    .arguments
                    .iter()
                    .filter_map(|a| a.as_expression())
                    .map(|a| self.export_value(a))
                    .collect();
                let callee = match v {
                    ValueRef::Call { callee, .. } => callee,
                    _ => String::new(),
                };
                ExportValue::Wrapped(Box::new(WrappedCall { callee, args }))
            }
            other => ExportValue::Value(self.value_ref(other)),
        }
    }

    /// What a top-level binding holds, when a default export naming it may
    /// be a handler: an object with `fetch`, or a wrapper call.
    pub(super) fn handler_binding(&mut self, init: &'a Expression<'a>) -> Option<ExportValue> {
        match unwrap_await(init) {
            Expression::ObjectExpression(_) | Expression::CallExpression(_) => {}
            _ => return None,
        }
        match self.export_value(init) {
            v @ ExportValue::Wrapped(_) => Some(v),
            ExportValue::Object(props) if props.iter().any(|p| p.key == "fetch") => {
                Some(ExportValue::Object(props))
            }
            _ => None,
        }
    }

    pub(super) fn on_export_declaration(&mut self, d: &'a ExportDeclaration<'a>) {
        match &d.declaration {
            Declaration::VariableDeclaration(v) => {
                for decl in &v.declarations {
                    let value = decl
                        .init
                        .as_ref()
                        .map_or(ExportValue::None, |i| self.export_value(i));
                    for id in decl.id.get_binding_identifiers() {
                        self.facts.exports.push(Export {
                            exported: id.name.as_str().into(),
                            local: Some(id.name.as_str().into()),
                            kind: ExportKind::Local,
                            value: value.clone(),
                            span: sp(decl.span),
                        });
                    }
                }
            }
            Declaration::FunctionDeclaration(f) => {
                let Some(id) = &f.id else { return };
                let fid = self.function_id(f.span, FunctionKind::Declaration);
                self.facts.exports.push(Export {
                    exported: id.name.as_str().into(),
                    local: Some(id.name.as_str().into()),
                    kind: ExportKind::Local,
                    value: ExportValue::Value(ValueRef::Function(fid)),
                    span: sp(d.span),
                });
            }
            Declaration::ClassDeclaration(c) => {
                let Some(id) = &c.id else { return };
                let value = self.class_value(c);
                self.facts.exports.push(Export {
                    exported: id.name.as_str().into(),
                    local: Some(id.name.as_str().into()),
                    kind: ExportKind::Local,
                    value,
                    span: sp(d.span),
                });
            }
            // Types, interfaces, enums and namespaces carry no runtime routes.
            _ => {}
        }
    }

    pub(super) fn on_export_named(&mut self, d: &'a ExportNamedDeclaration<'a>) {
        if d.export_kind.is_type() {
            return;
        }
        for s in &d.specifiers {
            if s.export_kind.is_type() {
                continue;
            }
            let exported = s.exported.name().to_string();
            let kind = if exported == "default" {
                ExportKind::Default
            } else {
                ExportKind::Local
            };
            self.facts.exports.push(Export {
                exported: exported.into(),
                local: Some(s.local.name().as_str().into()),
                kind,
                value: ExportValue::None,
                span: sp(s.span),
            });
        }
    }

    pub(super) fn on_export_from(&mut self, d: &'a ExportFromDeclaration<'a>) {
        if d.export_kind.is_type() {
            return;
        }
        let source = d.source.value.to_string();
        for s in &d.specifiers {
            if s.export_kind.is_type() {
                continue;
            }
            self.facts.exports.push(Export {
                exported: s.exported.name().as_str().into(),
                local: Some(s.local.name().as_str().into()),
                kind: ExportKind::ReExport {
                    source: source.clone(),
                },
                value: ExportValue::None,
                span: sp(s.span),
            });
        }
    }

    pub(super) fn on_export_all(&mut self, d: &'a ExportAllDeclaration<'a>) {
        if d.export_kind.is_type() {
            return;
        }
        self.facts.exports.push(Export {
            exported: d
                .exported
                .as_ref()
                .map_or_else(|| "*".into(), |e| e.name().as_str().into()),
            local: None,
            kind: ExportKind::ReExportAll {
                source: d.source.value.to_string(),
            },
            value: ExportValue::None,
            span: sp(d.span),
        });
    }

    pub(super) fn on_export_default(&mut self, d: &'a ExportDefaultDeclaration<'a>) {
        let (local, value) = match &d.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                let fid = self.function_id(f.span, FunctionKind::Declaration);
                (
                    f.id.as_ref().map(|id| id.name.to_string()),
                    ExportValue::Value(ValueRef::Function(fid)),
                )
            }
            ExportDefaultDeclarationKind::ClassDeclaration(c) => (
                c.id.as_ref().map(|id| id.name.to_string()),
                self.class_value(c),
            ),
            ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => return,
            other => {
                let Some(e) = other.as_expression() else {
                    return;
                };
                let local = match unwrap(e) {
                    Expression::Identifier(id) => Some(id.name.to_string()),
                    _ => None,
                };
                (local, self.export_value(e))
            }
        };
        self.facts.exports.push(Export {
            exported: "default".into(),
            local: local.map(Into::into),
            kind: ExportKind::Default,
            value,
            span: sp(d.span),
        });
    }

    pub(super) fn on_export_assignment(&mut self, d: &'a TSExportAssignment<'a>) {
        let local = match unwrap(&d.expression) {
            Expression::Identifier(id) => Some(id.name.to_string()),
            _ => None,
        };
        let value = self.export_value(&d.expression);
        self.facts.exports.push(Export {
            exported: "default".into(),
            local: local.map(Into::into),
            kind: ExportKind::Default,
            value,
            span: sp(d.span),
        });
    }
}
