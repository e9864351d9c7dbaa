//! Base-URL checks: scheme and path shape (local), and where `meta.location` points.

mod base_path_shape;
mod https;
mod location_same_host;

pub use base_path_shape::BasePathShape;
pub use https::Https;
pub use location_same_host::LocationSameHost;
