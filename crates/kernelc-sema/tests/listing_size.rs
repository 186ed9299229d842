//! Listings stay linear in the program (issue 12): an n-branch `if/elif` chain (nested
//! `else: if` in the typed IR) prints as `elif` lines, not with indentation growing per
//! branch (20,000 branches used to print gigabytes).

fn chain(n: usize) -> String {
    let mut s = String::from("def main():\n    x = 7\n    y = 0\n    if x == 0:\n        y = 0\n");
    for i in 1..n {
        s.push_str(&format!("    elif x == {i}:\n        y = {i}\n"));
    }
    s.push_str("    else:\n        y = -1\n    print(y)\n");
    s
}

fn typed_listing(src: &str) -> String {
    let (module, diags) = kernelc_syntax::parse_module(src);
    assert!(diags.is_empty(), "{diags:?}");
    let program = kernelc_sema::compile(&module, "main", &[]).unwrap();
    kernelc_sema::pretty::print_program(&program)
}

#[test]
fn elif_chains_print_flat() {
    // Parsing and lowering recurse once per `elif` (the CLI runs on a 512 MB stack too).
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(elif_chains_print_flat_on_big_stack)
        .unwrap()
        .join()
        .unwrap();
}

fn elif_chains_print_flat_on_big_stack() {
    let small = typed_listing(&chain(3));
    assert!(small.contains("elif"), "{small}");
    assert!(small.contains("else:"), "{small}");
    let n = 3000;
    let text = typed_listing(&chain(n));
    assert_eq!(text.matches("elif ").count(), n - 1);
    // Every branch prints at the same depth: the longest line does not grow with n.
    let widest = text.lines().map(str::len).max().unwrap();
    assert!(widest < 80, "widest line {widest}");
}
