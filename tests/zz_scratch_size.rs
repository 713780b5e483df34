#[test]
fn size_of_route_facts() {
    let root = "/tmp/preflight-bench-16921/corpus-10000/apps/app-00001/src";
    for f in ["routes/route1.ts", "index.ts", "lib/util0.ts"] {
        let text = std::fs::read_to_string(format!("{root}/{f}")).unwrap();
        let facts = preflight::formats::js::extract(&text, f)
            .unwrap()
            .compact(|_| false);
        let dbg = format!("{facts:#?}");
        std::fs::write(format!("/tmp/scratch/{}.txt", f.replace('/', "_")), &dbg).unwrap();
        println!(
            "{f}: src {} debug {} lines {}",
            text.len(),
            dbg.len(),
            dbg.lines().count()
        );
    }
}
