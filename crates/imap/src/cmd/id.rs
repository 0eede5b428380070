//! ID: RFC 2971. State: any.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, params: Option<Vec<(String, Option<String>)>>) -> CmdResult {
    let _ = (s, params);
    unimplemented!("contract stub")
}
