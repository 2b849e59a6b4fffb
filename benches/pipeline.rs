//! Throughput of each stage and end to end, on `corpora/sample.jsonl`.
//!
//! `cargo bench --bench pipeline`. The end-to-end bench asserts the corpus's cluster count,
//! so a change that is fast because it is wrong fails here instead of winning.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use reprint::clean::{Cleaner, Page, Profiles};
use reprint::dedup::cluster;
use reprint::io::{parse_record, url_host, FieldNames};
use reprint::{Config, MinHasher, Scratch, SignatureTable, Survivor};

/// Clusters in `corpora/sample.jsonl` at the default settings, texts signed as they are
/// (`dedup --raw`).
const SAMPLE_CLUSTERS: usize = 781;
/// The same with recovered bodies signed (`dedup`, the default).
const SAMPLE_CLUSTERS_BODIES: usize = 661;

/// One page of the sample: text, title, site.
struct SamplePage {
    text: String,
    title: Option<String>,
    site: Option<String>,
}

impl SamplePage {
    fn page(&self) -> Page<'_> {
        Page {
            text: &self.text,
            title: self.title.as_deref(),
            site: self.site.as_deref(),
        }
    }
}

fn sample_pages() -> Vec<SamplePage> {
    let (raw, _) = sample();
    let fields = FieldNames::default();
    raw.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let r = parse_record(l, &fields).expect("the sample parses");
            SamplePage {
                text: r.text.into_owned(),
                title: r.title.map(|t| t.into_owned()),
                site: r.url.as_deref().and_then(url_host).map(|h| h.into_owned()),
            }
        })
        .collect()
}

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

    let pages = sample_pages();
    group.bench_function("learn_profiles", |b| {
        b.iter(|| Profiles::learn(pages.iter().map(SamplePage::page)).sites())
    });
    let profiles = Profiles::learn(pages.iter().map(SamplePage::page));
    group.bench_function("clean_one_thread", |b| {
        let cleaner = Cleaner::new(&profiles);
        b.iter(|| pages.iter().map(|p| cleaner.clean(&p.page()).body.len()).sum::<usize>())
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
    let pages = sample_pages();
    group.bench_function("learn_clean_sign_cluster", |b| {
        b.iter(|| {
            let profiles = Profiles::learn(pages.iter().map(SamplePage::page));
            let cleaner = Cleaner::new(&profiles);
            let bodies: Vec<String> = pages
                .iter()
                .map(|p| {
                    let body = cleaner.clean(&p.page()).body;
                    if body.is_empty() {
                        p.text.clone()
                    } else {
                        body
                    }
                })
                .collect();
            let table = sign_all(&hasher, &bodies);
            let facts: Vec<Survivor> = bodies
                .iter()
                .map(|b| Survivor {
                    len_bytes: b.len() as u64,
                    date: None,
                })
                .collect();
            let clusters = cluster(&table, &facts, &config).0;
            assert_eq!(
                clusters.count(),
                SAMPLE_CLUSTERS_BODIES,
                "the sample's cluster count changed: {}",
                clusters.count()
            );
        })
    });
    group.finish();
}

criterion_group!(benches, stages, end_to_end);
criterion_main!(benches);
