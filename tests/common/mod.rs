//! Code shared by the integration tests that read the committed header.
//! Each test crate uses a part of it, so unused items are expected.
#![allow(dead_code)]

pub mod header;
