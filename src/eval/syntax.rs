//! Reading Jsonnet source with jrsonnet's own parser (no evaluation).

use jrsonnet_ir::visit::{self, Visitor};
use jrsonnet_ir::{Expr, FieldMember, FieldName, ObjBody, Source};
use jrsonnet_ir_parser::ParserSettings;

use super::EvalError;

/// A field written with `+:` (or `+::`, `+:::`) and a fixed name, in Jsonnet source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlusField {
    /// The field name (`querier_deployment` for `querier_deployment+:` and `'querier_deployment'+:`).
    pub name: String,
    /// 1-based line of the name.
    pub line: usize,
}

/// Every object field of `code` written `name+:` (any visibility, any nesting, strings and
/// comments understood as Jsonnet does), in source order. `name` is the file name used in a
/// syntax error.
///
/// ```
/// let fields = tkstep::eval::plus_fields("overlay", "{ a+: { b+:: {} }, c: @'x\\', d+: 1 }")?;
/// let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["a", "b", "d"]);
/// # Ok::<(), tkstep::eval::EvalError>(())
/// ```
pub fn plus_fields(name: &str, code: &str) -> Result<Vec<PlusField>, EvalError> {
    let source = Source::new_virtual(name.into(), code.into());
    let settings = ParserSettings {
        source: source.clone(),
    };
    let expr = jrsonnet_ir_parser::parse(code, &settings)
        .map_err(|e| EvalError::new(format!("{name}: syntax error: {}", e.message)))?;
    let mut found = Finder {
        source,
        fields: Vec::new(),
    };
    found.visit_expr(&expr);
    found.fields.sort_by_key(|f| f.1);
    Ok(found.fields.into_iter().map(|(f, _)| f).collect())
}

struct Finder {
    source: Source,
    /// Each field with the offset of its name.
    fields: Vec<(PlusField, u32)>,
}

impl Finder {
    fn field(&mut self, member: &FieldMember) {
        if !member.plus {
            return;
        }
        if let FieldName::Fixed(name) = &member.name.value {
            let offset = member.name.span.1;
            let [location] = self.source.map_source_locations(&[offset]);
            let field = PlusField {
                name: name.to_string(),
                line: location.line,
            };
            self.fields.push((field, offset));
        }
    }

    fn body(&mut self, body: &ObjBody) {
        match body {
            ObjBody::MemberList(members) => members.fields.iter().for_each(|f| self.field(f)),
            ObjBody::ObjComp(comp) => self.field(&comp.field),
        }
    }
}

impl Visitor for Finder {
    fn visit_expr(&mut self, e: &Expr) {
        match e {
            Expr::Obj(body) | Expr::ObjExtend(_, body) => self.body(body),
            _ => {}
        }
        visit::visit_expr(self, e);
    }
}
