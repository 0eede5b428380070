//! THREAD algorithms of RFC 5256 §3: ORDEREDSUBJECT and REFERENCES (steps 1-6, with the
//! subject merge of step 5), and the thread-list rendering of RFC 5256 §4/§5. Pure: works
//! on per-message facts the command gathered.

use std::collections::{HashMap, HashSet};

/// What threading needs to know about one message.
#[derive(Debug, Clone, Default)]
pub struct ThreadMsg {
    /// 0-based view position (sequence order: the tie-breaker of RFC 5256 §2.2).
    pub index: u32,
    /// RFC 5256 §2.2 sent date (UTC seconds).
    pub sent: i64,
    /// Casemapped base subject (RFC 5256 §2.1); compared exactly.
    pub subject: String,
    /// The base subject extraction removed a reply/forward marker (RFC 5256 §3 REFERENCES).
    pub is_reply_or_forward: bool,
    /// Normalized Message ID (REFERENCES only).
    pub message_id: Option<String>,
    /// References (or the first In-Reply-To id), oldest first (REFERENCES only).
    pub references: Vec<String>,
}

/// A thread tree node: a message (its index) or a dummy (None) with children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub index: Option<u32>,
    pub children: Vec<Node>,
}

/// RFC 5256 §3 ORDEREDSUBJECT: group by base subject; within a group the first message (by
/// sent date) is the parent of all others; groups ordered by their first message's date.
pub fn ordered_subject(msgs: &[ThreadMsg]) -> Vec<Node> {
    let mut sorted: Vec<&ThreadMsg> = msgs.iter().collect();
    sorted.sort_by(|a, b| {
        a.subject
            .cmp(&b.subject)
            .then(a.sent.cmp(&b.sent))
            .then(a.index.cmp(&b.index))
    });
    let mut threads: Vec<(i64, u32, Node)> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let first = sorted[i];
        let mut j = i + 1;
        while j < sorted.len() && sorted[j].subject == first.subject {
            j += 1;
        }
        let children = sorted[i + 1..j]
            .iter()
            .map(|m| Node {
                index: Some(m.index),
                children: Vec::new(),
            })
            .collect();
        threads.push((
            first.sent,
            first.index,
            Node {
                index: Some(first.index),
                children,
            },
        ));
        i = j;
    }
    threads.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    threads.into_iter().map(|t| t.2).collect()
}

/// RFC 5256 §3 REFERENCES. `msgs` must be in sequence order.
pub fn references(msgs: &[ThreadMsg]) -> Vec<Node> {
    let mut t = Tree::default();
    // (1) Link by references; then the message under its last reference.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (mi, m) in msgs.iter().enumerate() {
        let me = match m.message_id.as_deref() {
            Some(id) => match ids.get(id) {
                // A dummy created by an earlier reference becomes this message.
                Some(&n) if t.nodes[n].msg.is_none() => {
                    t.nodes[n].msg = Some(mi);
                    n
                }
                // A duplicate Message ID: only the first message keeps it.
                Some(_) => t.add(Some(mi)),
                None => {
                    let n = t.add(Some(mi));
                    ids.insert(id, n);
                    n
                }
            },
            None => t.add(Some(mi)),
        };
        let mut refs = Vec::with_capacity(m.references.len());
        for r in &m.references {
            let n = *ids.entry(r.as_str()).or_insert_with(|| t.add(None));
            refs.push(n);
        }
        // (1A) Each reference the parent of the next, unless already parented or a loop.
        for w in refs.windows(2) {
            if t.nodes[w[1]].parent.is_none() && !t.would_loop(w[0], w[1]) {
                t.link(w[0], w[1]);
            }
        }
        // (1B) The last reference is the parent of this message (replacing any parent).
        t.unlink(me);
        if let Some(&last) = refs.last()
            && !t.would_loop(last, me)
        {
            t.link(last, me);
        }
    }
    // (2) Messages without parents are the threads.
    let roots: Vec<usize> = (0..t.nodes.len())
        .filter(|&n| t.nodes[n].parent.is_none())
        .collect();
    // (3) Prune dummies.
    let mut roots = t.prune(&roots, true);
    // (4) Sort the top level by sent date (a dummy by its first child, children sorted).
    for &r in &roots {
        if t.nodes[r].msg.is_none() {
            let mut c = std::mem::take(&mut t.nodes[r].children);
            t.sort_siblings(&mut c, msgs);
            t.nodes[r].children = c;
        }
    }
    t.sort_siblings(&mut roots, msgs);
    // (5) Merge threads with the same base subject.
    let thread_subject = |t: &Tree, n: usize| -> Option<usize> {
        match t.nodes[n].msg {
            Some(mi) => Some(mi),
            None => t.nodes[n].children.first().and_then(|&c| t.nodes[c].msg),
        }
    };
    let mut table: HashMap<&str, usize> = HashMap::new();
    for &r in &roots {
        let Some(mi) = thread_subject(&t, r) else {
            continue;
        };
        let subject = msgs[mi].subject.as_str();
        if subject.is_empty() {
            continue;
        }
        match table.get(subject) {
            None => {
                table.insert(subject, r);
            }
            Some(&old) => {
                let old_is_dummy = t.nodes[old].msg.is_none();
                let cur_is_dummy = t.nodes[r].msg.is_none();
                let old_is_reply = t.nodes[old]
                    .msg
                    .is_some_and(|m| msgs[m].is_reply_or_forward);
                let cur_is_reply = t.nodes[r].msg.is_some_and(|m| msgs[m].is_reply_or_forward);
                if !old_is_dummy && (cur_is_dummy || (old_is_reply && !cur_is_reply)) {
                    table.insert(subject, r);
                }
            }
        }
    }
    let mut at_root: HashSet<usize> = roots.iter().copied().collect();
    for &r in &roots.clone() {
        if !at_root.contains(&r) {
            continue;
        }
        let Some(mi) = thread_subject(&t, r) else {
            continue;
        };
        let subject = msgs[mi].subject.as_str();
        if subject.is_empty() {
            continue;
        }
        let Some(&other) = table.get(subject) else {
            continue;
        };
        if other == r {
            continue;
        }
        let other_is_dummy = t.nodes[other].msg.is_none();
        let cur_is_dummy = t.nodes[r].msg.is_none();
        let other_is_reply = t.nodes[other]
            .msg
            .is_some_and(|m| msgs[m].is_reply_or_forward);
        let cur_is_reply = t.nodes[r].msg.is_some_and(|m| msgs[m].is_reply_or_forward);
        if other_is_dummy && cur_is_dummy {
            let kids = std::mem::take(&mut t.nodes[r].children);
            for k in kids {
                t.nodes[k].parent = Some(other);
                t.nodes[other].children.push(k);
            }
            at_root.remove(&r);
        } else if other_is_dummy || (cur_is_reply && !other_is_reply) {
            t.link(other, r);
            at_root.remove(&r);
        } else {
            let d = t.add(None);
            t.link(d, other);
            t.link(d, r);
            at_root.remove(&r);
            at_root.remove(&other);
            at_root.insert(d);
            table.insert(subject, d);
        }
    }
    let mut roots: Vec<usize> = at_root.into_iter().collect();
    // (6) Sort every set of siblings, deepest first.
    for &r in &roots {
        t.sort_deep(r, msgs);
    }
    t.sort_siblings(&mut roots, msgs);
    roots.iter().map(|&r| t.to_node(r, msgs)).collect()
}

/// `* THREAD ...` payload (RFC 5256 §5 thread-list), numbers from `number(index)`.
pub fn render(threads: &[Node], number: &dyn Fn(u32) -> u32) -> String {
    let mut out = String::new();
    for t in threads {
        out.push('(');
        members(&mut out, t, number);
        out.push(')');
    }
    out
}

/// thread-members / thread-nested for one node (RFC 5256 §5).
fn members(out: &mut String, n: &Node, number: &dyn Fn(u32) -> u32) {
    let mut n = n;
    let mut is_first = true;
    loop {
        if let Some(i) = n.index {
            if !is_first {
                out.push(' ');
            }
            out.push_str(&number(i).to_string());
            is_first = false;
            if n.children.len() == 1 {
                n = &n.children[0];
                continue;
            }
        }
        if n.children.is_empty() {
            return;
        }
        if !is_first {
            out.push(' ');
        }
        if n.index.is_none() && n.children.len() == 1 {
            // Only a lone dummy at the top can get here (pruning removes the rest).
            n = &n.children[0];
            continue;
        }
        for c in &n.children {
            out.push('(');
            members(out, c, number);
            out.push(')');
        }
        return;
    }
}

#[derive(Default)]
struct Tree {
    nodes: Vec<TNode>,
}

struct TNode {
    /// Index into the `msgs` slice; None for a dummy.
    msg: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

impl Tree {
    fn add(&mut self, msg: Option<usize>) -> usize {
        self.nodes.push(TNode {
            msg,
            parent: None,
            children: Vec::new(),
        });
        self.nodes.len() - 1
    }

    fn link(&mut self, parent: usize, child: usize) {
        self.unlink(child);
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    fn unlink(&mut self, child: usize) {
        if let Some(p) = self.nodes[child].parent.take() {
            self.nodes[p].children.retain(|&c| c != child);
        }
    }

    /// Would making `parent` the parent of `child` create a loop (parent is child or one of
    /// its descendants)?
    fn would_loop(&self, parent: usize, child: usize) -> bool {
        let mut cur = Some(parent);
        while let Some(n) = cur {
            if n == child {
                return true;
            }
            cur = self.nodes[n].parent;
        }
        false
    }

    /// RFC 5256 §3 step (3) for one set of siblings; returns the new set.
    fn prune(&mut self, level: &[usize], is_root: bool) -> Vec<usize> {
        let mut out = Vec::with_capacity(level.len());
        for &n in level {
            let kids = std::mem::take(&mut self.nodes[n].children);
            let kids = self.prune(&kids, false);
            if self.nodes[n].msg.is_some() {
                self.nodes[n].children = kids;
                out.push(n);
            } else if kids.is_empty() {
                // A dummy without children goes.
            } else if is_root && kids.len() > 1 {
                self.nodes[n].children = kids;
                out.push(n);
            } else {
                let parent = if is_root { None } else { self.nodes[n].parent };
                for &k in &kids {
                    self.nodes[k].parent = parent;
                }
                out.extend(kids);
            }
        }
        out
    }

    /// Sort key of a node: its message's (sent date, sequence), a dummy's first child's.
    fn date_key(&self, n: usize, msgs: &[ThreadMsg]) -> (i64, u32) {
        let mi = match self.nodes[n].msg {
            Some(mi) => Some(mi),
            None => self.nodes[n]
                .children
                .first()
                .and_then(|&c| self.nodes[c].msg),
        };
        mi.map(|mi| (msgs[mi].sent, msgs[mi].index))
            .unwrap_or((i64::MAX, u32::MAX))
    }

    fn sort_siblings(&self, level: &mut [usize], msgs: &[ThreadMsg]) {
        level.sort_by_key(|&n| self.date_key(n, msgs));
    }

    fn sort_deep(&mut self, n: usize, msgs: &[ThreadMsg]) {
        let mut kids = std::mem::take(&mut self.nodes[n].children);
        for &k in &kids {
            self.sort_deep(k, msgs);
        }
        self.sort_siblings(&mut kids, msgs);
        self.nodes[n].children = kids;
    }

    fn to_node(&self, n: usize, msgs: &[ThreadMsg]) -> Node {
        Node {
            index: self.nodes[n].msg.map(|mi| msgs[mi].index),
            children: self.nodes[n]
                .children
                .iter()
                .map(|&c| self.to_node(c, msgs))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(index: u32, sent: i64, subject: &str, id: Option<&str>, refs: &[&str]) -> ThreadMsg {
        let base = loft_message::sortkeys::base_subject(subject.as_bytes());
        ThreadMsg {
            index,
            sent,
            subject: loft_message::sortkeys::casemap(&base.text),
            is_reply_or_forward: base.is_reply_or_forward,
            message_id: id.map(str::to_string),
            references: refs.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn seq(i: u32) -> u32 {
        i + 1
    }

    #[test]
    fn render_rfc5256_examples() {
        let leaf = |i| Node {
            index: Some(i),
            children: vec![],
        };
        let chain = |v: &[u32], tail: Vec<Node>| {
            let mut n = Node {
                index: Some(v[v.len() - 1]),
                children: tail,
            };
            for &i in v[..v.len() - 1].iter().rev() {
                n = Node {
                    index: Some(i),
                    children: vec![n],
                };
            }
            n
        };
        // `(2)(3 6 (4 23)(44 7 96))`, numbers as given (identity numbering).
        let t = vec![
            leaf(2),
            chain(
                &[3, 6],
                vec![chain(&[4, 23], vec![]), chain(&[44, 7, 96], vec![])],
            ),
        ];
        assert_eq!(render(&t, &|i| i), "(2)(3 6 (4 23)(44 7 96))");
        // `((3)(5))`: siblings under a missing parent.
        let t = vec![Node {
            index: None,
            children: vec![leaf(3), leaf(5)],
        }];
        assert_eq!(render(&t, &|i| i), "((3)(5))");
        assert_eq!(render(&[], &|i| i), "");
    }

    #[test]
    fn ordered_subject_groups_and_orders() {
        let msgs = vec![
            msg(0, 30, "b topic", None, &[]),
            msg(1, 10, "Re: B topic", None, &[]),
            msg(2, 20, "a topic", None, &[]),
            msg(3, 40, "b topic", None, &[]),
            msg(4, 5, "Fwd: c", None, &[]),
        ];
        // b: 1 (10) first, then 0 (30), 3 (40) as its children; a: 2; c: 4.
        assert_eq!(render(&ordered_subject(&msgs), &seq), "(5)(2 (1)(4))(3)");
        // Two in a group: a single child (no nesting).
        let msgs = vec![msg(0, 1, "x", None, &[]), msg(1, 2, "re: x", None, &[])];
        assert_eq!(render(&ordered_subject(&msgs), &seq), "(1 2)");
    }

    #[test]
    fn references_parent_child_and_missing_parent() {
        let msgs = vec![
            msg(0, 1, "root", Some("a@x"), &[]),
            msg(1, 2, "Re: root", Some("b@x"), &["a@x"]),
            msg(2, 3, "Re: root", Some("c@x"), &["a@x", "b@x"]),
            msg(3, 4, "Re: root", Some("d@x"), &["a@x"]),
            // Replies to a message not in the set: siblings under a dummy.
            msg(4, 5, "other", Some("e@x"), &["gone@x"]),
            msg(5, 6, "Re: other", Some("f@x"), &["gone@x"]),
            msg(6, 7, "alone", None, &[]),
        ];
        assert_eq!(render(&references(&msgs), &seq), "(1 (2 3)(4))((5)(6))(7)");
    }

    #[test]
    fn references_subject_merge() {
        // No references at all: threads by subject (step 5), replies under the original.
        let msgs = vec![
            msg(0, 1, "Re: lunch", Some("a@x"), &[]),
            msg(1, 2, "lunch", Some("b@x"), &[]),
            msg(2, 3, "dinner", Some("c@x"), &[]),
            msg(3, 4, "dinner", Some("d@x"), &[]),
        ];
        // lunch: 2 is the original, 1 (reply) its child; dinner: two originals under a dummy.
        assert_eq!(render(&references(&msgs), &seq), "(2 1)((3)(4))");
    }

    #[test]
    fn references_loops_duplicates_and_truncation() {
        let msgs = vec![
            // Claims its own reply as its parent: no loop may form.
            msg(0, 1, "x", Some("a@x"), &["b@x"]),
            msg(1, 2, "y", Some("b@x"), &["a@x"]),
            // Duplicate Message-ID: the second gets a unique one.
            msg(2, 3, "z", Some("a@x"), &[]),
        ];
        let t = references(&msgs);
        let r = render(&t, &seq);
        assert!(r == "(1 2)(3)" || r == "(2 1)(3)", "{r}");
        // Self-reference is ignored.
        let msgs = vec![msg(0, 1, "s", Some("s@x"), &["s@x"])];
        assert_eq!(render(&references(&msgs), &seq), "(1)");
    }
}
