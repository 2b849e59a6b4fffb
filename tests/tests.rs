//! The one integration-test binary (one link on two cores): library properties, golden
//! signatures, and the CLI end to end.

mod clean;
mod cli;
mod common;
mod golden;
mod prop;
