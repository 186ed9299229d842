//! Shrinking a failing program: remove statements (a line together with the block it
//! opens) while the failure persists, until no single removal keeps it failing.

/// The lines of the block that starts at line `i`: the line itself and every following
/// line indented deeper (blank lines included).
fn block_end(lines: &[&str], i: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines[i]);
    let mut j = i + 1;
    while j < lines.len() && (lines[j].trim().is_empty() || indent(lines[j]) > base) {
        j += 1;
    }
    j
}

/// True for `wN += 1`, the step of a generated `while` loop's bounding counter.
fn is_loop_counter_step(line: &str) -> bool {
    let t = line.trim();
    t.strip_prefix('w')
        .and_then(|r| r.strip_suffix(" += 1"))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Shrinks `text` while `fails` holds (it must hold for `text`). `fails` should also
/// require that the candidate compiles, or the result is a syntax error. At most
/// `max_tries` candidates are tried.
pub fn reduce(text: &str, mut fails: impl FnMut(&str) -> bool, max_tries: usize) -> String {
    let mut best = text.to_string();
    let mut tries = 0;
    loop {
        let mut progress = false;
        let lines: Vec<&str> = best.lines().collect();
        let owned: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        let mut i = 0;
        let mut current = owned;
        while i < current.len() {
            if tries >= max_tries {
                return best;
            }
            let refs: Vec<&str> = current.iter().map(|s| s.as_str()).collect();
            let end = block_end(&refs, i);
            // Try the whole block first, then only its header line replaced by `pass`
            // would change indentation rules, so only whole blocks and single lines.
            let mut candidates = vec![(i, end)];
            if end > i + 1 {
                candidates.push((i, i + 1));
            }
            let mut removed = false;
            for (a, b) in candidates {
                // The counter that bounds a generated `while` loop must stay, or the
                // candidate never terminates.
                if b == a + 1 && is_loop_counter_step(&current[a]) {
                    continue;
                }
                let mut next: Vec<String> = current[..a].to_vec();
                next.extend_from_slice(&current[b..]);
                let cand = next.join("\n") + "\n";
                tries += 1;
                if fails(&cand) {
                    current = next;
                    best = cand;
                    progress = true;
                    removed = true;
                    break;
                }
            }
            if !removed {
                i += 1;
            }
        }
        if !progress {
            return best;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_what_is_not_needed() {
        let text =
            "def main():\n    x = 1\n    if x:\n        y = 2\n        z = 3\n    print(x)\n";
        let keep = |t: &str| {
            ["def main", "print(x)", "z = 3"]
                .iter()
                .all(|k| t.contains(k))
        };
        let r = reduce(text, keep, 1000);
        assert_eq!(r, "def main():\n        z = 3\n    print(x)\n");
    }
}
