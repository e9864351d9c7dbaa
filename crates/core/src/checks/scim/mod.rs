//! SCIM protocol checks (read-only): discovery, media types, lists, filters, paging, errors.

mod discovery_shape;
mod discovery_unauthenticated;
mod endpoint_reachable;
mod error_body_shape;
mod groups_list_shape;
mod response_content_type;
mod users_filter_eq;
mod users_filter_invalid;
mod users_filter_no_match;
mod users_list_shape;
mod users_paging;

pub use discovery_shape::DiscoveryShape;
pub use discovery_unauthenticated::DiscoveryUnauthenticated;
pub use endpoint_reachable::EndpointReachable;
pub use error_body_shape::ErrorBodyShape;
pub use groups_list_shape::GroupsListShape;
pub use response_content_type::ResponseContentType;
pub use users_filter_eq::UsersFilterEq;
pub use users_filter_invalid::UsersFilterInvalid;
pub use users_filter_no_match::UsersFilterNoMatch;
pub use users_list_shape::UsersListShape;
pub use users_paging::UsersPaging;
