//! [`RendererProbe`]: the environment, as [`adapt`](crate::plan::adapt()) asks about it.

use std::collections::HashMap;

use serde_json::Value;

use crate::Result;
use crate::eval::Overlay;
use crate::manifest::Manifest;
use crate::overlay;
use crate::plan::{Candidate, DEFAULT_K8S_IMPORT, EnvProbe};
use crate::render::Renderer;

/// Answers [`adapt`](crate::plan::adapt())'s questions by rendering the environment. Renders
/// are kept (keyed by the overlay Jsonnet without its header) so that [`PlanRun::new`](super::PlanRun::new) can
/// reuse them: most candidate states the plan asks about are the states of earlier steps.
pub struct RendererProbe<'a> {
    renderer: &'a Renderer,
    rendered: HashMap<String, Vec<Manifest>>,
}

impl<'a> RendererProbe<'a> {
    /// A probe over `renderer`.
    pub fn new(renderer: &'a Renderer) -> Self {
        Self {
            renderer,
            rendered: HashMap::new(),
        }
    }

    /// The renders made so far, keyed by overlay body ([`overlay::jsonnet::body`]).
    pub fn into_rendered(self) -> HashMap<String, Vec<Manifest>> {
        self.rendered
    }
}

impl EnvProbe for RendererProbe<'_> {
    fn renders(&mut self, candidate: &Candidate<'_>, kind: &str, name: &str) -> Result<bool> {
        let code = candidate.jsonnet();
        if !self.rendered.contains_key(&code) {
            let overlay = Overlay {
                name: format!("step {} (candidate overlay)", candidate.step),
                code: code.clone(),
            };
            let manifests = self.renderer.render(Some(&overlay))?;
            self.rendered.insert(code.clone(), manifests);
        }
        Ok(self.rendered[&code]
            .iter()
            .any(|m| m.kind() == kind && m.name() == name))
    }

    fn field_renders(
        &mut self,
        candidate: &Candidate<'_>,
        field: &str,
        kind: &str,
        name: &str,
    ) -> Result<bool> {
        let code = candidate.jsonnet();
        if let Some(manifests) = self.rendered.get(&code) {
            return Ok(manifests
                .iter()
                .any(|m| m.kind() == kind && m.name() == name));
        }
        // Evaluate only that field of `<environment> + <candidate overlay>`, not everything.
        let expr = format!(
            "local patched = value + ({code}\n);\n\
             local f = {field};\n\
             std.objectHasAll(patched, f) && std.isObject(patched[f]) \
             && std.get(patched[f], 'kind') == {kind} \
             && std.get(std.get(patched[f], 'metadata', {{}}), 'name') == {name}",
            code = code,
            field = overlay::jsonnet::string(field),
            kind = overlay::jsonnet::string(kind),
            name = overlay::jsonnet::string(name),
        );
        Ok(self.renderer.evaluate_expr(&expr)? == Value::Bool(true))
    }

    fn config(&mut self, key: &str) -> Result<Option<Value>> {
        let key = overlay::jsonnet::string(key);
        let expr = format!(
            "if std.objectHasAll(value, '_config') && std.objectHasAll(value._config, {key}) \
             then [value._config[{key}]] else []"
        );
        let found = self.renderer.evaluate_expr(&expr)?;
        Ok(match found {
            Value::Array(mut items) if items.len() == 1 => items.pop(),
            _ => None,
        })
    }

    fn k8s_import(&mut self) -> Result<Option<String>> {
        let entry = &self.renderer.paths().entrypoint;
        let source = crate::input::read_regular(entry, crate::input::MAX_SOURCE_BYTES)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some(source) = source
            && let Some(found) = overlay::detect_k8s_import(&source)
        {
            return Ok(Some(found));
        }
        let default = DEFAULT_K8S_IMPORT;
        let resolvable = self
            .renderer
            .paths()
            .import_paths()
            .iter()
            .any(|dir| dir.join(default).is_file());
        Ok(resolvable.then(|| default.to_string()))
    }
}
