//! Throughput of each stage and end to end, on `corpora/sample.jsonl`.
//!
//! `cargo bench --bench pipeline`. The end-to-end bench asserts the corpus's cluster count,
//! so a change that is fast because it is wrong fails here instead of winning.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use reprint::dedup::cluster;
use reprint::io::{parse_record, FieldNames};
use reprint::{Config, MinHasher, Scratch, SignatureTable, Survivor};

/// Clusters in `corpora/sample.jsonl` at the default settings (see corpora/README.md).
const SAMPLE_CLUSTERS: usize = 794;

fn sample() -> (Vec<u8>, Vec<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample.jsonl");
    let raw = std::fs::read(path).expect("corpora/sample.jsonl is committed");
    let fields = FieldNames::default();
    let texts = raw
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| parse_record(l, &fields).expect("the sample parses").text.into_owned())
        .collect();
    (raw, texts)
}

fn sign_all(hasher: &MinHasher, texts: &[String]) -> SignatureTable {
    let mut table = SignatureTable::new(hasher.num_perm());
    table.sign_batch(hasher, texts);
    table
}

fn stages(c: &mut Criterion) {
    let (raw, texts) = sample();
    let text_bytes: usize = texts.iter().map(String::len).sum();
    let fields = FieldNames::default();
    let config = Config::default();
    let hasher = MinHasher::new(config.num_perm, config.ngram);
    let mut group = c.benchmark_group("stage");
    group.sample_size(20);

    group.throughput(Throughput::Bytes(raw.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            raw.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| parse_record(l, &fields).unwrap().text.len())
                .sum::<usize>()
        })
    });

    group.throughput(Throughput::Bytes(text_bytes as u64));
    group.bench_function("tokenize", |b| {
        let (mut buf, mut out) = (Vec::new(), Vec::new());
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    reprint::text::token_hashes_into(t, &mut buf, &mut out);
                    out.len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("signature_one_thread", |b| {
        let mut scratch = Scratch::new();
        let mut sig = vec![0u32; config.num_perm];
        b.iter(|| {
            texts
                .iter()
                .map(|t| hasher.signature_into(t, &mut scratch, &mut sig))
                .sum::<usize>()
        })
    });

    let table = sign_all(&hasher, &texts);
    let facts = vec![Survivor::default(); texts.len()];
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("link_and_cluster", |b| {
        b.iter(|| cluster(black_box(&table), &facts, &config).0.count())
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let (raw, _) = sample();
    let fields = FieldNames::default();
    let config = Config::default();
    let hasher = MinHasher::new(config.num_perm, config.ngram);
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(raw.len() as u64));
    group.bench_function("parse_sign_cluster", |b| {
        b.iter(|| {
            let texts: Vec<String> = raw
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| parse_record(l, &fields).unwrap().text.into_owned())
                .collect();
            let table = sign_all(&hasher, &texts);
            let facts = vec![Survivor::default(); texts.len()];
            let clusters = cluster(&table, &facts, &config).0;
            assert_eq!(clusters.count(), SAMPLE_CLUSTERS, "the sample's cluster count changed");
        })
    });
    group.finish();
}

criterion_group!(benches, stages, end_to_end);
criterion_main!(benches);
