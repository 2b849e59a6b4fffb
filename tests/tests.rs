//! The one integration-test binary (one link on two cores): library properties, golden
//! signatures, the CLI end to end, and hostile input and faults.

mod clean;
mod cli;
mod common;
mod golden;
mod hostile;
mod prop;
