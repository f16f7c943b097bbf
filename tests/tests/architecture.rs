//! Guards the module graph of the `app` crate against cycles.
//!
//! Every file module of `app/src` is a node (`crate`, `services`, `services::auth`…);
//! inline modules (`mod ssr { … }`) belong to the file they are written in. Module A
//! has an edge to module B when A's source names B, or something inside B, by a path:
//! `crate::…`, `super::…`, `self::…`, a child module's name (`pub use child::Thing`),
//! or a module imported under a name (`use crate::services; services::auth::f()`),
//! in `use` trees and in code alike, macro bodies (`view!`, `#[server]`) included.
//! A path counts towards the longest of its prefixes that is a file module, so
//! `super::Thing` is an edge to the parent and `super::sibling::f` one to the sibling.
//! Declaring a module (`mod child;`) is not an edge, and `#[cfg(test)]` code is
//! ignored, since tests may reach anywhere. The test reads tokens and does not
//! compile: every other `#[cfg]` branch counts, and a name reached through a
//! re-export counts towards the module that re-exports it.
//!
//! Modules in a cycle can be neither understood nor moved one without the others.
//! A parent should only declare and re-export its children: what parent and child
//! both need belongs in a leaf module of its own. On failure the test prints each
//! cycle with, for every edge, the file and line of one path that makes it.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

/// A module below the crate root: `[]` is `crate`, `["services", "auth"]` is `services::auth`.
type ModPath = Vec<String>;

/// The name of a module as the report shows it.
fn display(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// Where a path is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Site {
    /// The file, relative to the crate's source directory.
    file: PathBuf,
    line: usize,
    /// The path as written, e.g. `crate::services::auth::Client`.
    text: String,
}

/// A path written in a module, before it is resolved.
struct Reference {
    /// The file module it is written in (its node).
    node: ModPath,
    /// The module, file or inline, whose names it is resolved against.
    module: ModPath,
    path: Vec<String>,
    site: Site,
}

/// The names a module (file or inline) brings into scope.
#[derive(Default)]
struct Scope {
    /// Its child modules.
    children: BTreeSet<String>,
    /// `use` imports: the name they bind and the path they import, as written.
    imports: BTreeMap<String, Vec<Vec<String>>>,
    /// Paths imported with `::*`, as written.
    globs: Vec<Vec<String>>,
}

/// One import of a `use` tree.
struct UseLeaf {
    path: Vec<String>,
    /// The name it binds (`None` for `_` and globs).
    name: Option<String>,
    glob: bool,
    line: usize,
}

/// Where the scanner is.
struct Position<'a> {
    node: &'a [String],
    module: ModPath,
    /// The file, relative to the source directory.
    file: &'a Path,
    /// Where the files of `mod child;` are looked for.
    child_dir: PathBuf,
    /// What a `#[path = "…"]` attribute is relative to.
    path_base: PathBuf,
}

/// The attributes seen before an item.
#[derive(Default)]
struct Attributes {
    test_only: bool,
    path: Option<String>,
}

/// Reads the crate and collects its modules, scopes and paths.
struct Walker {
    src: PathBuf,
    files: BTreeMap<ModPath, PathBuf>,
    scopes: BTreeMap<ModPath, Scope>,
    references: Vec<Reference>,
}

/// The module graph of a crate.
struct Graph {
    /// File modules and their files, relative to the source directory.
    files: BTreeMap<ModPath, PathBuf>,
    /// Edges, each with its first reference.
    edges: BTreeMap<(ModPath, ModPath), Site>,
}

/// The module graph of the crate whose root is `src/lib.rs` (or `src/main.rs`).
fn module_graph(src: &Path) -> Graph {
    let mut walker = Walker {
        src: src.to_path_buf(),
        files: BTreeMap::new(),
        scopes: BTreeMap::new(),
        references: Vec::new(),
    };
    let root = ["lib.rs", "main.rs"]
        .iter()
        .map(|name| src.join(name))
        .find(|file| file.is_file())
        .unwrap_or_else(|| panic!("no lib.rs or main.rs in {}", src.display()));
    walker.load(Vec::new(), &root, true);

    let mut edges: BTreeMap<(ModPath, ModPath), Site> = BTreeMap::new();
    for reference in &walker.references {
        let Some(target) = walker.resolve(&reference.module, &reference.path, &mut Vec::new()) else {
            continue;
        };
        let to = (0..=target.len())
            .rev()
            .map(|len| &target[..len])
            .find(|prefix| walker.files.contains_key(*prefix))
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        if to == reference.node {
            continue;
        }
        edges
            .entry((reference.node.clone(), to))
            .and_modify(|site| {
                if reference.site < *site {
                    *site = reference.site.clone();
                }
            })
            .or_insert_with(|| reference.site.clone());
    }
    Graph {
        files: walker.files,
        edges,
    }
}

impl Walker {
    /// Reads the file module `module` from `file`. Children of `lib.rs`, `mod.rs` and
    /// `#[path]` files live next to them; those of `x.rs` live in `x/`.
    fn load(&mut self, module: ModPath, file: &Path, mod_rs: bool) {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read module {}: {}: {e}", display(&module), file.display()));
        let tokens = TokenStream::from_str(&text)
            .unwrap_or_else(|e| panic!("cannot tokenize {}: {e}", file.display()));
        let relative = file.strip_prefix(&self.src).unwrap_or(file).to_path_buf();
        let dir = file.parent().unwrap_or(&self.src).to_path_buf();
        let child_dir = if mod_rs {
            dir.clone()
        } else {
            let stem = file.file_stem().unwrap_or_default();
            dir.join(stem)
        };
        self.files.insert(module.clone(), relative.clone());
        self.scopes.entry(module.clone()).or_default();
        let position = Position {
            node: &module,
            module: module.clone(),
            file: &relative,
            child_dir,
            path_base: dir,
        };
        self.scan(tokens, &position);
    }

    /// Collects the modules, imports and paths of one token stream.
    fn scan(&mut self, stream: TokenStream, at: &Position<'_>) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let mut attributes = Attributes::default();
        let mut i = 0;
        while i < tokens.len() {
            // Attributes: `#[…]` and `#![…]`.
            if is_punct(&tokens[i], '#') {
                let inner = tokens.get(i + 1).is_some_and(|t| is_punct(t, '!'));
                let at_group = i + 1 + usize::from(inner);
                if let Some(TokenTree::Group(group)) = tokens.get(at_group)
                    && group.delimiter() == Delimiter::Bracket
                {
                    let body: Vec<TokenTree> = group.stream().into_iter().collect();
                    if is_test_only(&body) {
                        if inner {
                            return; // The whole module is test code.
                        }
                        attributes.test_only = true;
                    } else if let Some(path) = path_attribute(&body) {
                        attributes.path = Some(path);
                    } else {
                        self.scan(group.stream(), at);
                    }
                    i = at_group + 1;
                    continue;
                }
            }
            if attributes.test_only {
                i = skip_item(&tokens, i);
                attributes = Attributes::default();
                continue;
            }
            match &tokens[i] {
                // A visibility: `pub(in crate::x)` is no dependency; attributes still apply.
                TokenTree::Ident(ident) if ident == "pub" => {
                    i += match tokens.get(i + 1) {
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => 2,
                        _ => 1,
                    };
                    continue;
                }
                TokenTree::Ident(ident) if ident == "mod" => {
                    if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                        let name = unraw(&name.to_string());
                        self.declare(name, tokens.get(i + 2), attributes.path.take(), at);
                        i += 3;
                        attributes = Attributes::default();
                        continue;
                    }
                }
                TokenTree::Ident(ident) if ident == "use" => {
                    if let Some(end) = (i + 1..tokens.len()).find(|&j| is_punct(&tokens[j], ';'))
                        && let Some(leaves) = parse_use_tree(&tokens[i + 1..end], &[])
                    {
                        self.import(leaves, at);
                        i = end + 1;
                        attributes = Attributes::default();
                        continue;
                    }
                }
                TokenTree::Ident(ident) => {
                    let starts_path =
                        i == 0 || !(is_path_separator(&tokens, i - 1) || is_punct(&tokens[i - 1], '.'));
                    let (path, next) = path_at(&tokens, i);
                    if starts_path && path.len() > 1 {
                        self.references.push(Reference {
                            node: at.node.to_vec(),
                            module: at.module.clone(),
                            site: Site {
                                file: at.file.to_path_buf(),
                                line: ident.span().start().line,
                                text: path.join("::"),
                            },
                            path,
                        });
                        i = next;
                        attributes = Attributes::default();
                        continue;
                    }
                }
                TokenTree::Group(group) => self.scan(group.stream(), at),
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
            attributes = Attributes::default();
            i += 1;
        }
    }

    /// Declares module `name`, followed by `next` (`;` or its inline body).
    fn declare(&mut self, name: String, next: Option<&TokenTree>, path: Option<String>, at: &Position<'_>) {
        let mut module = at.module.clone();
        module.push(name.clone());
        self.scopes
            .entry(at.module.clone())
            .or_default()
            .children
            .insert(name.clone());
        self.scopes.entry(module.clone()).or_default();
        match next {
            Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {
                let dir = at.child_dir.join(&name);
                let inline = Position {
                    node: at.node,
                    module,
                    file: at.file,
                    child_dir: dir.clone(),
                    path_base: dir,
                };
                self.scan(body.stream(), &inline);
            }
            _ => {
                if let Some(path) = path {
                    self.load(module, &at.path_base.join(path), true);
                } else {
                    let file = at.child_dir.join(format!("{name}.rs"));
                    if file.is_file() {
                        self.load(module, &file, false);
                    } else {
                        self.load(module, &at.child_dir.join(&name).join("mod.rs"), true);
                    }
                }
            }
        }
    }

    /// Records the imports of a `use` declaration, both as names and as paths.
    fn import(&mut self, leaves: Vec<UseLeaf>, at: &Position<'_>) {
        for leaf in leaves {
            let scope = self.scopes.entry(at.module.clone()).or_default();
            if leaf.glob {
                scope.globs.push(leaf.path.clone());
            } else if let Some(name) = leaf.name {
                scope.imports.entry(name).or_default().push(leaf.path.clone());
            }
            let mut text = leaf.path.join("::");
            if leaf.glob {
                text.push_str("::*");
            }
            self.references.push(Reference {
                node: at.node.to_vec(),
                module: at.module.clone(),
                path: leaf.path,
                site: Site {
                    file: at.file.to_path_buf(),
                    line: leaf.line,
                    text,
                },
            });
        }
    }

    /// What `path`, written in `module`, names, from the crate root; `None` outside the crate.
    /// `looking` holds the names being looked up, against import cycles.
    fn resolve(
        &self,
        module: &[String],
        path: &[String],
        looking: &mut Vec<(ModPath, String)>,
    ) -> Option<ModPath> {
        let first = path.first()?;
        let (mut base, rest) = match first.as_str() {
            "crate" => (Vec::new(), &path[1..]),
            "self" | "super" => {
                let mut base = module.to_vec();
                let mut k = usize::from(first == "self");
                while path.get(k).is_some_and(|s| s == "super") {
                    base.pop()?;
                    k += 1;
                }
                (base, &path[k..])
            }
            name => (self.lookup(module, name, looking)?, &path[1..]),
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// What `name` means in `module`: a child module or an import (a module preferred).
    fn lookup(&self, module: &[String], name: &str, looking: &mut Vec<(ModPath, String)>) -> Option<ModPath> {
        let key = (module.to_vec(), name.to_owned());
        if looking.contains(&key) {
            return None;
        }
        looking.push(key);
        let found = self.lookup_in_scope(module, name, looking);
        looking.pop();
        found
    }

    fn lookup_in_scope(
        &self,
        module: &[String],
        name: &str,
        looking: &mut Vec<(ModPath, String)>,
    ) -> Option<ModPath> {
        let scope = self.scopes.get(module)?;
        if scope.children.contains(name) {
            let mut child = module.to_vec();
            child.push(name.to_owned());
            return Some(child);
        }
        if let Some(paths) = scope.imports.get(name) {
            let targets: Vec<ModPath> = paths
                .iter()
                .filter_map(|path| self.resolve(module, path, looking))
                .collect();
            if let Some(target) = targets
                .iter()
                .find(|t| self.scopes.contains_key(*t))
                .or(targets.first())
            {
                return Some(target.clone());
            }
        }
        scope.globs.iter().find_map(|glob| {
            let source = self.resolve(module, glob, looking)?;
            self.lookup(&source, name, looking)
        })
    }
}

impl Graph {
    /// The sets of modules that reach each other (strongly connected components with
    /// more than one module), sorted.
    fn components(&self) -> Vec<Vec<ModPath>> {
        let nodes: Vec<&ModPath> = self.files.keys().collect();
        let index: BTreeMap<&ModPath, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let mut successors = vec![Vec::new(); nodes.len()];
        for (from, to) in self.edges.keys() {
            successors[index[from]].push(index[to]);
        }
        let mut tarjan = Tarjan {
            successors: &successors,
            index: vec![None; nodes.len()],
            low: vec![0; nodes.len()],
            stack: Vec::new(),
            on_stack: vec![false; nodes.len()],
            next: 0,
            components: Vec::new(),
        };
        for v in 0..nodes.len() {
            if tarjan.index[v].is_none() {
                tarjan.visit(v);
            }
        }
        let mut components: Vec<Vec<ModPath>> = tarjan
            .components
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut c: Vec<ModPath> = c.into_iter().map(|v| nodes[v].clone()).collect();
                c.sort();
                c
            })
            .collect();
        components.sort();
        components
    }

    /// Cycles covering every edge of `component`: for each edge, the edge followed by the
    /// shortest way back. Each starts at its smallest module and does not repeat it.
    fn cycles(&self, component: &[ModPath]) -> BTreeSet<Vec<ModPath>> {
        let members: BTreeSet<&ModPath> = component.iter().collect();
        let mut successors: BTreeMap<&ModPath, Vec<&ModPath>> = BTreeMap::new();
        for (from, to) in self.edges.keys() {
            if members.contains(from) && members.contains(to) {
                successors.entry(from).or_default().push(to);
            }
        }
        let mut cycles = BTreeSet::new();
        for from in component {
            for &to in &successors[from] {
                // Breadth-first from `to` back to `from`.
                let mut previous: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
                let mut queue = VecDeque::from([to]);
                while let Some(node) = queue.pop_front() {
                    if node == from {
                        break;
                    }
                    for &next in &successors[node] {
                        if next != to && !previous.contains_key(next) {
                            previous.insert(next, node);
                            queue.push_back(next);
                        }
                    }
                }
                let mut cycle = vec![from.clone()];
                let mut node = from;
                while node != to {
                    node = previous[node];
                    cycle.push(node.clone());
                }
                cycle.reverse(); // to … from
                cycle.rotate_right(1); // from, to, …
                let smallest = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
                cycle.rotate_left(smallest);
                cycles.insert(cycle);
            }
        }
        cycles
    }

    /// A readable account of every cycle, or `None` if there is none.
    fn cycle_report(&self) -> Option<String> {
        let components = self.components();
        if components.is_empty() {
            return None;
        }
        let mut report = String::new();
        for component in &components {
            let names: Vec<String> = component.iter().map(|m| display(m)).collect();
            let _ = writeln!(
                report,
                "\n{} modules in a cycle: {}",
                names.len(),
                names.join(", ")
            );
            for cycle in self.cycles(component) {
                let mut chain: Vec<String> = cycle.iter().map(|m| display(m)).collect();
                chain.push(display(&cycle[0]));
                let _ = writeln!(report, "    {}", chain.join(" -> "));
            }
            let _ = writeln!(report, "  where:");
            for ((from, to), site) in &self.edges {
                if component.contains(from) && component.contains(to) {
                    let _ = writeln!(
                        report,
                        "    {} -> {}: {}:{} `{}`",
                        display(from),
                        display(to),
                        site.file.display(),
                        site.line,
                        site.text
                    );
                }
            }
        }
        Some(report)
    }
}

/// Tarjan's strongly connected components.
struct Tarjan<'a> {
    successors: &'a [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    stack: Vec<usize>,
    on_stack: Vec<bool>,
    next: usize,
    components: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, v: usize) {
        self.index[v] = Some(self.next);
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &w in &self.successors[v] {
            match self.index[w] {
                None => {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(index) if self.on_stack[w] => self.low[v] = self.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut component = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            self.components.push(component);
        }
    }
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

/// Whether `tokens[i..]` starts with `::`.
fn path_separator_at(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (tokens.get(i), tokens.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// Whether `tokens[i]` ends a `::`.
fn is_path_separator(tokens: &[TokenTree], i: usize) -> bool {
    i >= 1 && path_separator_at(tokens, i - 1)
}

/// The path `a::b::c` starting at `tokens[i]`, and the index after it.
fn path_at(tokens: &[TokenTree], i: usize) -> (Vec<String>, usize) {
    let mut path = vec![unraw(&tokens[i].to_string())];
    let mut j = i + 1;
    while path_separator_at(tokens, j)
        && let Some(TokenTree::Ident(segment)) = tokens.get(j + 2)
    {
        path.push(unraw(&segment.to_string()));
        j += 3;
    }
    (path, j)
}

fn unraw(ident: &str) -> String {
    ident.strip_prefix("r#").unwrap_or(ident).to_owned()
}

/// The imports of the use tree `tokens` (between `use` and `;`) under `prefix`, or
/// `None` if it is no use tree (say `<use>` in an SVG inside `view!`).
fn parse_use_tree(tokens: &[TokenTree], prefix: &[String]) -> Option<Vec<UseLeaf>> {
    let mut path = prefix.to_vec();
    let mut i = 0;
    if path_separator_at(tokens, 0) {
        path.push("::".to_owned()); // An external crate: never resolves.
        i = 2;
    }
    loop {
        match tokens.get(i)? {
            TokenTree::Ident(ident) => {
                let segment = unraw(&ident.to_string());
                let line = ident.span().start().line;
                if segment != "self" || path.is_empty() {
                    path.push(segment);
                }
                i += 1;
                if path_separator_at(tokens, i) {
                    i += 2;
                    continue;
                }
                let name = match tokens.get(i..)? {
                    [] => path.last().cloned(),
                    [TokenTree::Ident(r#as), TokenTree::Ident(alias)] if r#as == "as" => {
                        Some(unraw(&alias.to_string())).filter(|a| a != "_")
                    }
                    _ => return None,
                };
                return Some(vec![UseLeaf {
                    path,
                    name,
                    glob: false,
                    line,
                }]);
            }
            TokenTree::Punct(star) if star.as_char() == '*' && i + 1 == tokens.len() => {
                return Some(vec![UseLeaf {
                    path,
                    name: None,
                    glob: true,
                    line: star.span().start().line,
                }]);
            }
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace && i + 1 == tokens.len() => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let mut leaves = Vec::new();
                for tree in inner.split(|t| is_punct(t, ',')).filter(|t| !t.is_empty()) {
                    leaves.extend(parse_use_tree(tree, &path)?);
                }
                return Some(leaves);
            }
            _ => return None,
        }
    }
}

/// Whether the attribute `body` is a `cfg` that only holds in tests.
fn is_test_only(body: &[TokenTree]) -> bool {
    match body {
        [TokenTree::Ident(cfg), TokenTree::Group(predicate)] if cfg == "cfg" => {
            requires_test(&predicate.stream().into_iter().collect::<Vec<_>>())
        }
        _ => false,
    }
}

/// Whether the `cfg` predicate `tokens` implies `test`.
fn requires_test(tokens: &[TokenTree]) -> bool {
    match tokens {
        [TokenTree::Ident(test)] => test == "test",
        [TokenTree::Ident(operator), TokenTree::Group(operands)]
            if operator == "all" || operator == "any" =>
        {
            let operands: Vec<TokenTree> = operands.stream().into_iter().collect();
            let mut each = operands.split(|t| is_punct(t, ',')).filter(|o| !o.is_empty());
            if operator == "all" {
                each.any(requires_test)
            } else {
                let operands: Vec<&[TokenTree]> = each.collect();
                !operands.is_empty() && operands.into_iter().all(requires_test)
            }
        }
        _ => false,
    }
}

/// The file of a `#[path = "…"]` attribute.
fn path_attribute(body: &[TokenTree]) -> Option<String> {
    match body {
        [
            TokenTree::Ident(path),
            TokenTree::Punct(eq),
            TokenTree::Literal(file),
        ] if path == "path" && eq.as_char() == '=' => Some(file.to_string().trim_matches('"').to_owned()),
        _ => None,
    }
}

/// The index after the item starting at `tokens[i]`: after its `;` or its `{ … }` body.
fn skip_item(tokens: &[TokenTree], i: usize) -> usize {
    tokens[i..]
        .iter()
        .position(|t| {
            is_punct(t, ';') || matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
        })
        .map_or(tokens.len(), |k| i + k + 1)
}

#[test]
fn the_app_module_graph_has_no_cycles() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src"));
    let graph = module_graph(src);
    assert!(
        graph.files.len() > 1 && !graph.edges.is_empty(),
        "found no modules or no edges in {}",
        src.display()
    );
    let size = format!("{} modules, {} edges", graph.files.len(), graph.edges.len());
    println!("{size}");
    if let Some(report) = graph.cycle_report() {
        panic!(
            "the module graph of {} ({size}) has cycles; files are relative to it:\n{report}",
            src.display()
        );
    }
}

/// A crate made of `files` (path, contents) in a fresh directory, removed on drop.
struct Synthetic(PathBuf);

impl Synthetic {
    fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("architecture-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, contents) in files {
            let file = dir.join(path);
            let parent = file.parent().unwrap_or(&dir);
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
            std::fs::write(&file, contents).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        Self(dir)
    }

    fn graph(&self) -> Graph {
        module_graph(&self.0)
    }
}

impl Drop for Synthetic {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The edges of `graph` as `from -> to` strings.
fn edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .keys()
        .map(|(from, to)| format!("{} -> {}", display(from), display(to)))
        .collect()
}

#[test]
fn a_cycle_is_found_and_reported_with_its_references() {
    let krate = Synthetic::new(
        "cycle",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            ("a.rs", "use crate::b::B;\npub struct A;\n"),
            (
                "b.rs",
                "pub struct B;\n\nfn f() -> super::c::C {\n    todo!()\n}\n",
            ),
            ("c.rs", "pub struct C(\n    crate::a::A,\n);\n"),
        ],
    );
    let graph = krate.graph();
    assert_eq!(edges(&graph), ["a -> b", "b -> c", "c -> a"]);
    let report = graph.cycle_report().expect("a cycle");
    assert!(report.contains("a -> b -> c -> a"), "{report}");
    assert!(report.contains("a -> b: a.rs:1 `crate::b::B`"), "{report}");
    assert!(report.contains("b -> c: b.rs:3 `super::c::C`"), "{report}");
    assert!(report.contains("c -> a: c.rs:2 `crate::a::A`"), "{report}");
}

#[test]
fn an_acyclic_tree_passes() {
    let krate = Synthetic::new(
        "acyclic",
        &[
            ("lib.rs", "pub mod app;\npub mod services;\nmod shared;\n"),
            // A parent declares and re-exports its children; `mod` itself is no edge.
            (
                "services.rs",
                "pub mod auth;\npub mod mfa;\npub use auth::sign_in;\n",
            ),
            (
                "services/auth.rs",
                "use super::mfa;\npub fn sign_in() { mfa::check(); }\n",
            ),
            ("services/mfa.rs", "pub fn check() { crate::shared::f(); }\n"),
            ("shared.rs", "pub fn f() {}\n"),
            // Test code may reach anywhere, and inline modules belong to their file.
            (
                "app.rs",
                "use crate::services;\n\
                 mod ssr { pub fn go() { crate::services::sign_in(); } }\n\
                 pub fn run() { ssr::go(); services::auth::sign_in(); view! { <p>{crate::shared::f()}</p> } }\n\
                 #[cfg(test)]\nmod tests { use crate::app::run; fn t() { crate::lib_only(); } }\n",
            ),
        ],
    );
    let graph = krate.graph();
    assert_eq!(
        edges(&graph),
        [
            "app -> services",
            "app -> services::auth",
            "app -> shared",
            "services -> services::auth",
            "services::auth -> services::mfa",
            "services::mfa -> shared",
        ]
    );
    assert_eq!(graph.cycle_report(), None);
}

#[test]
fn a_child_using_its_parent_which_re_exports_it_is_a_cycle() {
    let krate = Synthetic::new(
        "parent",
        &[
            ("lib.rs", "pub mod services;\n"),
            (
                "services.rs",
                "pub mod auth;\npub mod error;\npub use auth::Client;\npub struct ServiceError;\n",
            ),
            (
                "services/auth.rs",
                "use super::{ServiceError, error::{self as e}};\npub struct Client;\n",
            ),
            (
                "services/error.rs",
                "use crate::services::{auth::{self}};\nfn f() { auth::Client; }\n",
            ),
        ],
    );
    let graph = krate.graph();
    assert_eq!(
        edges(&graph),
        [
            "services -> services::auth",
            "services::auth -> services",
            "services::auth -> services::error",
            "services::error -> services::auth",
        ]
    );
    let report = graph.cycle_report().expect("a cycle");
    assert!(
        report.contains("services -> services::auth -> services\n"),
        "{report}"
    );
    assert!(
        report.contains("services::auth -> services::error -> services::auth\n"),
        "{report}"
    );
}

#[test]
fn paths_resolve_through_imports_globs_mod_rs_and_path_attributes() {
    let krate = Synthetic::new(
        "resolve",
        &[
            (
                "lib.rs",
                "pub mod a;\npub mod b;\n#[path = \"elsewhere/c.rs\"]\npub mod c;\n",
            ),
            // `mod.rs`, its children next to it, an import of an import, a glob.
            (
                "a/mod.rs",
                "pub mod inner;\n\
                 use leptos::prelude::*;\nuse sea_orm::entity::prelude::*;\n\
                 use crate::b as bee;\nuse bee::deep;\n\
                 fn f() { Unknown::new(); Other::x(); deep::g(); }\n\
                 #[cfg(all(test, feature = \"ssr\"))]\nfn only_in_tests() { crate::c::h(); }\n",
            ),
            ("a/inner.rs", "use crate::*;\nfn f() { c::h(); }\n"),
            ("b.rs", "pub mod deep;\n"),
            ("b/deep.rs", "pub fn g() {}\n"),
            // A `#[path]` file keeps its children next to it.
            ("elsewhere/c.rs", "pub mod d;\npub fn h() {}\n"),
            (
                "elsewhere/d.rs",
                "fn f() { mod local { use super::super::h; } }\n",
            ),
        ],
    );
    let graph = krate.graph();
    assert_eq!(
        edges(&graph),
        [
            "a -> b",
            "a -> b::deep",
            "a::inner -> crate",
            "a::inner -> c",
            "c::d -> c"
        ]
    );
    assert_eq!(graph.cycle_report(), None);
}
