//! The block model: a logistic regression over a unit's features, trained on real pages with
//! cross-validation split by site, that decides which blocks in play are kept.
//!
//! The weights ship in `block_model.json` (made by `bench/clean/train_blocks.py` from the
//! features `Cleaner::trace` writes; the training data stays outside the repository). The file
//! names its features; a file whose names differ from [`FEATURES`] is not used, and the rules
//! decide instead (a test checks the shipped file matches). Features are plain facts of the
//! unit and its nearest neighbours, language-independent: lengths, function-word density,
//! digits, sentence marks, separators, the rules' own class, position, site frequency.

use std::sync::OnceLock;

use serde::Deserialize;

use super::block::BlockFacts;
use super::prose::Class;

/// The features, in order.
pub(crate) const FEATURES: [&str; 34] = [
    "ln_words",
    "function_density",
    "digit_share",
    "sentence_end",
    "separators",
    "ln_chars",
    "cjk",
    "rule_good",
    "rule_bad",
    "rule_near",
    "rule_keep",
    "position",
    "has_site",
    "site_share",
    "shape_share",
    "prev_edge",
    "prev_removed",
    "prev_good",
    "prev_bad",
    "prev_function_density",
    "prev_ln_words",
    "next_edge",
    "next_removed",
    "next_good",
    "next_bad",
    "next_function_density",
    "next_ln_words",
    "page_share",
    "page_share_before",
    "good_before",
    "good_after",
    "capitalized",
    "ends_colon",
    "ln_page_words",
];

/// The nearest unit that is evidence, before or after a unit.
pub(crate) enum Neighbour {
    /// The page's edge.
    Edge,
    /// A block removed as boilerplate, a repeat or chrome.
    Removed,
    /// A unit in play.
    InPlay {
        facts: BlockFacts,
        function: u32,
        class: Class,
    },
}

/// What the features of one unit are computed from.
pub(crate) struct UnitFacts<'a> {
    pub facts: &'a BlockFacts,
    pub function: u32,
    pub class: Class,
    pub rule_keep: bool,
    /// The unit's index over the page's unit count.
    pub position: f64,
    /// (other pages with the block, with its shape) over the site's pages, when it has a profile.
    pub site_share: Option<(f64, f64)>,
    pub prev: Neighbour,
    pub next: Neighbour,
    pub layout: Layout,
}

/// Where a unit stands on its page.
pub(crate) struct Layout {
    /// The unit's share of the page's tokens in play, and the share before it.
    pub share: f64,
    pub share_before: f64,
    /// Units to the nearest good unit before and after (at most 10), over 10.
    pub good_before: f64,
    pub good_after: f64,
    /// Share of the unit's words that start with a capital letter.
    pub capitalized: f64,
    pub ends_colon: bool,
    /// Tokens in play on the whole page.
    pub page_tokens: f64,
}

fn words(f: &BlockFacts) -> f64 {
    let cjk = f.cjk_tokens * 2 > f.tokens;
    f64::from(if cjk { f.tokens / 2 } else { f.tokens })
}

/// `(1 + n).ln()`, read from a table for the counts most units have (the same values: the
/// table holds what `ln` gives; five logarithms a unit were a percent of a dedup run).
fn ln_1p_count(n: f64) -> f64 {
    const TABLE: usize = 4096;
    static LN: std::sync::LazyLock<Box<[f64]>> =
        std::sync::LazyLock::new(|| (0..TABLE).map(|i| (1.0 + i as f64).ln()).collect());
    match n >= 0.0 && n < TABLE as f64 && n.fract() == 0.0 {
        true => LN[n as usize],
        false => (1.0 + n).ln(),
    }
}

fn density(f: &BlockFacts, function: u32) -> f64 {
    f64::from(function) / f64::from(f.tokens.max(1))
}

/// Features of the unit itself, of each neighbour, and of its place on the page.
const OWN: usize = 15;
const NEIGHBOUR: usize = 6;
const LAYOUT: usize = 7;
const _: () = assert!(OWN + 2 * NEIGHBOUR + LAYOUT == FEATURES.len(), "one value per feature");

/// The features of a unit, in the order of [`FEATURES`].
pub(crate) fn features(u: &UnitFacts<'_>) -> [f32; FEATURES.len()] {
    let f = u.facts;
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    let own: [f64; OWN] = [
        ln_1p_count(words(f)),
        density(f, u.function),
        f64::from(f.digit_tokens) / f64::from(f.tokens.max(1)),
        b(f.sentence_end),
        f64::from(f.separators.min(3)) / 3.0,
        ln_1p_count(f64::from(f.chars)),
        b(f.cjk_tokens * 2 > f.tokens),
        b(u.class == Class::Good),
        b(u.class == Class::Bad),
        b(u.class == (Class::Unsure { near: true })),
        b(u.rule_keep),
        u.position,
        b(u.site_share.is_some()),
        u.site_share.map_or(0.0, |s| s.0),
        u.site_share.map_or(0.0, |s| s.1),
    ];
    let neighbour = |n: &Neighbour| -> [f64; NEIGHBOUR] {
        match n {
            Neighbour::Edge => [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            Neighbour::Removed => [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
            Neighbour::InPlay { facts, function, class } => [
                0.0,
                0.0,
                b(*class == Class::Good),
                b(*class == Class::Bad),
                density(facts, *function),
                ln_1p_count(words(facts)),
            ],
        }
    };
    let l = &u.layout;
    let layout: [f64; LAYOUT] = [
        l.share,
        l.share_before,
        l.good_before,
        l.good_after,
        l.capitalized,
        b(l.ends_colon),
        ln_1p_count(l.page_tokens),
    ];
    // Each group into its own stretch of the output (fixed lengths: no iterator chain).
    let mut out = [0.0; FEATURES.len()];
    let (own_out, rest) = out.split_at_mut(OWN);
    let (prev_out, rest) = rest.split_at_mut(NEIGHBOUR);
    let (next_out, layout_out) = rest.split_at_mut(NEIGHBOUR);
    let groups: [(&mut [f32], &[f64]); 4] = [
        (own_out, &own),
        (prev_out, &neighbour(&u.prev)),
        (next_out, &neighbour(&u.next)),
        (layout_out, &layout),
    ];
    for (to, from) in groups {
        for (o, &v) in to.iter_mut().zip(from) {
            *o = v as f32;
        }
    }
    out
}

/// A logistic regression over standardized features.
#[derive(Debug, Deserialize)]
pub(crate) struct BlockModel {
    features: Vec<String>,
    mean: Vec<f32>,
    scale: Vec<f32>,
    weights: Vec<f32>,
    bias: f32,
    /// Keep a unit when its probability of being article text reaches this.
    threshold: f32,
    /// The same for a unit the rules class good (overriding them takes more confidence).
    good_threshold: f32,
}

impl BlockModel {
    /// The model in `json`, if it names exactly the features this build computes.
    pub(crate) fn from_json(json: &str) -> Option<BlockModel> {
        let model: BlockModel = serde_json::from_str(json).ok()?;
        let n = FEATURES.len();
        let fits = model.features.iter().map(String::as_str).eq(FEATURES.iter().copied())
            && model.mean.len() == n
            && model.scale.len() == n
            && model.weights.len() == n;
        fits.then_some(model)
    }

    /// The probability that a unit with these features is article text.
    pub(crate) fn probability(&self, x: &[f32]) -> f32 {
        let z = x
            .iter()
            .zip(&self.mean)
            .zip(&self.scale)
            .zip(&self.weights)
            .map(|(((x, m), s), w)| (x - m) / s * w)
            .sum::<f32>()
            + self.bias;
        1.0 / (1.0 + (-z).exp())
    }

    /// Is a unit with these features kept? `rule_good`: the rules class it good.
    pub(crate) fn keeps(&self, x: &[f32], rule_good: bool) -> bool {
        let threshold = if rule_good { self.good_threshold } else { self.threshold };
        self.probability(x) >= threshold
    }
}

/// The shipped model, if `block_model.json` holds one that fits this build.
pub(crate) fn shipped() -> Option<&'static BlockModel> {
    static MODEL: OnceLock<Option<BlockModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| BlockModel::from_json(include_str!("block_model.json")))
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_file_is_valid_json_naming_these_features() {
        let raw: serde_json::Value = serde_json::from_str(include_str!("block_model.json")).unwrap();
        if raw["weights"].as_array().is_some_and(|w| !w.is_empty()) {
            assert!(shipped().is_some(), "block_model.json does not fit FEATURES");
        }
    }

    #[test]
    fn probability_is_a_logistic_of_standardized_features() {
        let n = FEATURES.len();
        let model = BlockModel {
            features: FEATURES.iter().map(|s| s.to_string()).collect(),
            mean: vec![1.0; n],
            scale: vec![2.0; n],
            weights: (0..n).map(|i| if i == 0 { 4.0 } else { 0.0 }).collect(),
            bias: -1.0,
            threshold: 0.5,
            good_threshold: 0.25,
        };
        let mut x = vec![1.0; n];
        assert!((model.probability(&x) - 1.0 / (1.0 + 1f32.exp())).abs() < 1e-6);
        x[0] = 1.5; // (1.5 - 1) / 2 * 4 - 1 = 0
        assert!((model.probability(&x) - 0.5).abs() < 1e-6);
        assert!(model.keeps(&x, false));
        x[0] = 1.25; // z = -0.5, p ≈ 0.38: below the threshold, above the one for good units
        assert!(!model.keeps(&x, false) && model.keeps(&x, true));
        let json = serde_json::json!({
            "features": FEATURES.to_vec(), "mean": vec![0.0; n], "scale": vec![1.0; n],
            "weights": vec![0.0; n], "bias": 0.0, "threshold": 0.5, "good_threshold": 0.25
        });
        assert!(BlockModel::from_json(&json.to_string()).is_some());
        let short = serde_json::json!({
            "features": ["ln_words"], "mean": [0.0], "scale": [1.0], "weights": [1.0], "bias": 0.0, "threshold": 0.5, "good_threshold": 0.25
        });
        assert!(BlockModel::from_json(&short.to_string()).is_none());
    }
}
