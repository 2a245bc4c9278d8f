fn main() {
    std::process::exit(sourced::cli::main());
}
