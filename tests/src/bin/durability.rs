//! Prints the durability model's parameters and its markdown tables of candidate layouts
//! (see `shoal_e2e::durability`). Takes no arguments other than an optional `--markdown`.

fn main() {
	if std::env::args().skip(1).any(|argument| argument != "--markdown") {
		eprintln!("usage: durability [--markdown]");
		std::process::exit(2);
	}
	print!("{}", shoal_e2e::durability::markdown_report());
}
