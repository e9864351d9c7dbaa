//! Write-mode checks (`preflight check --write`): checklist §15's create/read/replace/modify/
//! delete rows, the schema comparison that runs before anything is sent, and one flow check
//! per dialect flow. All test objects are `preflight-test-<run id>-…`, journalled before
//! they are created and removed afterwards.

mod attributes_declared;
mod dialect_flow;
mod groups_members;
mod required_attributes;
pub(crate) mod support;
mod users_create;
mod users_create_duplicate;
mod users_delete;
mod users_groups_readonly;
mod users_patch_boolean_string;
mod users_patch_errors;
mod users_patch_op_case;
mod users_patch_pathless;
mod users_put_replace;
mod users_read;

pub use attributes_declared::DialectAttributesDeclared;
pub use dialect_flow::{DialectFlow, all as dialect_flows};
pub use groups_members::GroupsMembers;
pub use required_attributes::DialectRequiredAttributes;
pub use users_create::UsersCreate;
pub use users_create_duplicate::UsersCreateDuplicate;
pub use users_delete::UsersDelete;
pub use users_groups_readonly::UsersGroupsReadonly;
pub use users_patch_boolean_string::UsersPatchBooleanString;
pub use users_patch_errors::UsersPatchErrors;
pub use users_patch_op_case::UsersPatchOpCase;
pub use users_patch_pathless::UsersPatchPathless;
pub use users_put_replace::UsersPutReplace;
pub use users_read::UsersRead;

use crate::check::Check;

/// The write checks in run order: schema comparison first (nothing sent), then §15, then the
/// dialect flows.
pub fn plan() -> Vec<&'static dyn Check> {
    let mut out: Vec<&'static dyn Check> = vec![
        &DialectAttributesDeclared,
        &DialectRequiredAttributes,
        &UsersCreate,
        &UsersCreateDuplicate,
        &UsersRead,
        &UsersPutReplace,
        &UsersPatchPathless,
        &UsersPatchOpCase,
        &UsersPatchBooleanString,
        &UsersPatchErrors,
        &GroupsMembers,
        &UsersGroupsReadonly,
        &UsersDelete,
    ];
    out.extend(dialect_flows().iter().map(|f| f as &'static dyn Check));
    out
}
