//! `check --links` against local HTTP servers.
