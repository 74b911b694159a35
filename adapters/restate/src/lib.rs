//! chatlife on Restate (issue 16): each conversation is a virtual object
//! whose state is its exported bytes, each agent an object holding its
//! capacity ledger, each signed-in identity an object listing its chats.
//! `docs/scale-out.md` has the design; `step` is the part without Restate.

pub mod app;
pub mod objects;
pub mod sink;
pub mod step;
pub mod wire;
