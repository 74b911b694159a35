//! Reconnection to a previous chat (R-RC1–R-RC9; Dynamics 365).
//!
//! - R-RC1: `issue_reconnect_link` while open, active or waiting.
//! - R-RC2: the prompt: `returning_customer` offers each conversation of an
//!   identity that can still be reconnected; `decline_reconnect` wraps up.
//! - R-RC3: the window opens when the customer's connection is lost and ends
//!   at `lost_at + max(disconnect_grace, time_limit)`; until then the agent
//!   and its capacity stay (C4).
//! - R-RC4: the conditions of a successful reconnect, checked in
//!   `verdict`.
//! - R-RC5: success: grace and window cancelled, the customer connected, the
//!   transcript message, and from `waiting` back to `open` for routing.
//! - R-RC6: the window running out: `reconnect_window_expired`, active →
//!   wrap_up, waiting → closed.
//! - R-RC7, R-RC8: tokens (`crate::token`): single use; a consumed token
//!   presented again revokes every outstanding link.
//! - R-RC9: every refusal is an event with its reason, never an error.
//! - R-RC10: a token that is not genuine — malformed, naming no known
//!   conversation, revoked, or with a wrong secret — and a prompt naming no
//!   conversation of that identity all get one answer, `invalid` with
//!   `conversation: null`, so no answer tells whether a conversation exists.
//!   A consumed token is genuine: `reused`, with its conversation.

use super::access::arg;
use super::{Engine, Scope};
use crate::conversation::{Connection, Finish, TimerFor, CUSTOMER};
use crate::error::Error;
use crate::events::{EventKind, ReconnectMethod, RefusedReason, Secret, VisibleTo};
use crate::time::Millis;
use crate::token::{self, TokenRecord, TokenStatus, MAX_TOKENS, MAX_TOKEN_RECORDS};
use crate::vocab::{HoldReason, LeftReason, Reason, State};

/// What a reconnect attempt comes to (R-RC4).
#[derive(Clone, Copy)]
enum Verdict {
    /// Not genuine (R-RC10): one answer that names no conversation.
    Forged,
    Refused(RefusedReason),
    /// Accepted; the index of the link's token record, for a link.
    Accepted(Option<usize>),
}

impl Engine {
    pub fn issue_reconnect_link(&mut self, now: Millis, conversation: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let conv = e.conv(ci);
            if e.policy(ci).reconnect.is_none() {
                return Err(Error::InvalidState(format!(
                    "conversation: policy {:?} of {conversation:?} has reconnect disabled",
                    e.policy(ci).name
                )));
            }
            if !conv.state.is_live() || !conv.customer().present {
                return Err(Error::InvalidState(format!(
                    "conversation: {conversation:?} has ended; no link can bring it back"
                )));
            }
            let outstanding = conv.tokens.iter().filter(|t| t.status == TokenStatus::Outstanding).count();
            if outstanding >= MAX_TOKENS || conv.tokens.len() >= MAX_TOKEN_RECORDS {
                return Err(Error::LimitExceeded(format!(
                    "conversation: {conversation:?} has issued the most links it may ({MAX_TOKENS} outstanding, {MAX_TOKEN_RECORDS} in all)"
                )));
            }
            Ok((ci, e.tokens.prepare()?))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, prepared)| {
            let secret = e.tokens.take(prepared);
            let reconnect = e.policy(ci).reconnect.as_ref().expect("checked: reconnect is enabled");
            let token = token::encode_token(conversation, &secret);
            let url = reconnect.link_style.link(&reconnect.portal_url, &token);
            e.conv_mut(ci)
                .tokens
                .push(TokenRecord { digest: token::digest(&secret), status: TokenStatus::Outstanding });
            e.emit_in(now, ci, EventKind::ReconnectLinkIssued { url: Secret(url), token: Secret(token) });
        })
    }

    /// A reconnect through a link's token (R-RC1, R-RC4). A token that is not
    /// genuine, in any way, gets the one answer of R-RC10, never an error.
    pub fn reconnect_link(&mut self, now: Millis, token: &str, authenticated_as: Option<&str>) -> Result<(), Error> {
        let decoded = token::decode_token(token).ok();
        let scope = decoded.as_ref().map_or_else(Scope::default, |(conversation, _)| Scope::of(conversation));
        let check = |e: &Engine| {
            if let Some(identity) = authenticated_as {
                arg("authenticated_as", identity)?;
            }
            let Some(ci) = decoded.as_ref().and_then(|(conversation, _)| e.conversations.find(conversation)) else {
                return Ok((None, Verdict::Forged));
            };
            let secret = decoded.as_ref().map(|(_, secret)| secret.as_slice());
            Ok((Some(ci), e.verdict(ci, secret, authenticated_as)))
        };
        self.run(now, scope, check, |e, (ci, verdict)| e.apply_reconnect(now, ci, ReconnectMethod::Link, verdict))
    }

    /// A reconnect through the prompt shown to a signed-in customer (R-RC2).
    pub fn reconnect_prompt(&mut self, now: Millis, conversation: &str, authenticated_as: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            arg("authenticated_as", authenticated_as)?;
            arg("conversation", conversation)?;
            // R-RC10: another's conversation, or none, looks the same.
            let ci = e.conversations.find(conversation).filter(|&ci| e.conv(ci).identity() == Some(authenticated_as));
            let Some(ci) = ci else { return Ok((None, Verdict::Forged)) };
            if !e.policy(ci).reconnect.as_ref().is_some_and(|r| r.prompt) {
                return Err(Error::InvalidState(format!(
                    "conversation: policy {:?} of {conversation:?} does not offer the reconnect prompt",
                    e.policy(ci).name
                )));
            }
            Ok((Some(ci), e.verdict(ci, None, Some(authenticated_as))))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, verdict)| {
            e.apply_reconnect(now, ci, ReconnectMethod::Prompt, verdict)
        })
    }

    /// R-RC4: the token, then the identity, then whether the chat can still
    /// be reconnected.
    fn verdict(&self, ci: u32, secret: Option<&[u8]>, identity: Option<&str>) -> Verdict {
        let conv = self.conv(ci);
        let mut token = None;
        if let Some(secret) = secret {
            match token::find(&conv.tokens, &token::digest(secret)).map(|i| (i, conv.tokens[i].status)) {
                None | Some((_, TokenStatus::Revoked)) => return Verdict::Forged,
                Some((_, TokenStatus::Consumed)) => return Verdict::Refused(RefusedReason::Reused),
                Some((i, TokenStatus::Outstanding)) => token = Some(i),
            }
        }
        // A link binds to the identity the chat started with, if any; the
        // prompt exists only for signed-in customers.
        let bound = conv.authenticated_as.is_some() || secret.is_none();
        if bound && conv.identity() != identity {
            return Verdict::Refused(RefusedReason::IdentityMismatch);
        }
        match conv.finish {
            Some(Finish::Expired) => Verdict::Refused(RefusedReason::Expired),
            Some(Finish::Ended) => Verdict::Refused(RefusedReason::Ended),
            None if !conv.customer().present || self.policy(ci).reconnect.is_none() => {
                Verdict::Refused(RefusedReason::Ended)
            }
            None => Verdict::Accepted(token),
        }
    }

    fn apply_reconnect(&mut self, at: Millis, ci: Option<u32>, method: ReconnectMethod, verdict: Verdict) {
        let (ci, token) = match (ci, verdict) {
            (Some(ci), Verdict::Refused(reason)) => return self.refuse_reconnect(at, ci, reason),
            (Some(ci), Verdict::Accepted(token)) => (ci, token),
            (None, _) | (_, Verdict::Forged) => {
                let kind =
                    EventKind::ReconnectRefused { reason: RefusedReason::Invalid, redirect_url: None, start_new: true };
                return self.emit(at, None, kind);
            }
        };
        if let Some(i) = token {
            self.conv_mut(ci).tokens[i].status = TokenStatus::Consumed;
        }
        self.disarm(ci, TimerFor::Grace(CUSTOMER as u8));
        self.disarm(ci, TimerFor::ReconnectWindow);
        let conv = self.conv_mut(ci);
        conv.participants[CUSTOMER].set_connection(Connection::Connected);
        let (state, participant) = (conv.state, conv.customer().id.clone());
        let same_agent = state == State::Active;
        self.emit_in(at, ci, EventKind::CustomerReconnected { participant, method, same_agent });
        self.transcript(at, ci, "customer_reconnected", VisibleTo::Agent, None);
        self.resume_activity(at, ci, CUSTOMER);
        self.customer_back_from_hold(at, ci, HoldReason::CustomerReturned);
        if state == State::Waiting {
            self.set_state(at, ci, State::Open, Reason::CustomerReturned);
        }
    }

    /// R-RC9; a reused token also revokes every outstanding link (R-RC7).
    fn refuse_reconnect(&mut self, at: Millis, ci: u32, reason: RefusedReason) {
        if reason == RefusedReason::Reused {
            for t in &mut self.conv_mut(ci).tokens {
                if t.status == TokenStatus::Outstanding {
                    t.status = TokenStatus::Revoked;
                }
            }
        }
        let redirect_url = match reason {
            RefusedReason::Expired => self.policy(ci).reconnect.as_ref().and_then(|r| r.redirect_url.clone()),
            _ => None,
        };
        let start_new = redirect_url.is_none();
        self.emit_in(at, ci, EventKind::ReconnectRefused { reason, redirect_url, start_new });
    }

    pub fn returning_customer(&mut self, now: Millis, authenticated_as: &str) -> Result<(), Error> {
        let check = |_: &Engine| arg("authenticated_as", authenticated_as);
        self.run(now, Scope::default(), check, |e, ()| {
            let mine = e.by_identity.get(authenticated_as).cloned().unwrap_or_default();
            let mut offered = false;
            let mut redirect_url = None;
            for ci in mine {
                let conv = e.conv(ci);
                let reconnect = e.policy(ci).reconnect.as_ref();
                if conv.finish.is_none() && conv.customer().present && reconnect.is_some_and(|r| r.prompt) {
                    let customer = conv.customer().id.clone();
                    e.emit_in(now, ci, EventKind::ReconnectOffered { customer });
                    offered = true;
                } else if conv.finish == Some(Finish::Expired) {
                    redirect_url = reconnect.and_then(|r| r.redirect_url.clone());
                }
            }
            if !offered {
                e.emit(now, None, EventKind::NoReconnectOffer { redirect_url });
            }
        })
    }

    pub fn decline_reconnect(&mut self, now: Millis, conversation: &str, authenticated_as: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            arg("authenticated_as", authenticated_as)?;
            let ci = e.live_index(conversation)?;
            let conv = e.conv(ci);
            if conv.identity() != Some(authenticated_as) {
                return Err(Error::InvalidArgument(format!(
                    "authenticated_as: {authenticated_as:?} is not the customer of {conversation:?}"
                )));
            }
            if !conv.state.is_live() || !conv.customer().present {
                return Err(Error::InvalidState(format!(
                    "conversation: {conversation:?} has ended; there is nothing to decline"
                )));
            }
            Ok(ci)
        };
        self.run(now, Scope::of(conversation), check, |e, ci| {
            e.customer_goes(now, ci, LeftReason::Ended, Reason::CustomerDeclinedReconnect)
        })
    }

    /// R-RC3: when the window of a connection lost at `lost_at` ends, or
    /// `None` when reconnection is off.
    pub(crate) fn reconnect_window_end(&self, ci: u32, lost_at: Millis) -> Option<Millis> {
        let policy = self.policy(ci);
        policy.reconnect.as_ref().map(|r| lost_at + policy.disconnect_grace.max(r.time_limit))
    }

    /// The window keeps the agent (R-RC3, C4): the customer's own timers
    /// pause while they are away, so their auto-disconnect cannot remove the
    /// agent the window is holding.
    pub(crate) fn open_reconnect_window(&mut self, at: Millis, ci: u32, end: Millis) {
        self.disarm(ci, TimerFor::Activity(CUSTOMER as u8));
        self.arm(ci, TimerFor::ReconnectWindow, at, end);
    }

    /// R-RC6.
    pub(crate) fn on_reconnect_window(&mut self, at: Millis, ci: u32) {
        let redirect_url = self.policy(ci).reconnect.as_ref().and_then(|r| r.redirect_url.clone());
        self.emit_in(at, ci, EventKind::ReconnectWindowExpired { redirect_url });
        match self.conv(ci).state {
            State::Active => self.set_state(at, ci, State::WrapUp, Reason::ReconnectWindowExpired),
            // Open: the agent left during the window; with nobody to come
            // back to, the chat closes as an open one does (R-D3).
            State::Waiting | State::Open => self.set_state(at, ci, State::Closed, Reason::ReconnectWindowExpired),
            State::WrapUp | State::Closed => {}
        }
    }
}
