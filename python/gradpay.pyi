"""The gradpay coordinator library for Python: ``Coordinator`` (sessions, records, finalization,
pools), ``EpochActivity`` (what a node did in an epoch), ``Node`` (pending, claim, explain),
``verify`` and ``LocalChain`` (an anvil for examples and tests).

Every call goes to the Rust crate and blocks until its transactions are mined. Amounts are ints
(wei or token base units), addresses ``"0x…"`` strings, results JSON-like dicts and lists with the
camelCase keys of ``gradpay --json`` (docs/json.md). Failures raise the ``GradpayError`` subclass of
their kind, whose message is one line saying the cause and the fix.
"""

from os import PathLike
from typing import Any, ClassVar, Literal, Optional, Union

_Path = Union[str, PathLike[str]]
Strategy = Literal["proportional", "tiered", "minimum-guarantee", "hybrid"]

class LocalChain:
    """A local anvil (``node_modules/.bin/anvil``, or ``GRADPAY_ANVIL``) on a free port, for
    examples and tests; stopped by ``stop()``, on leaving a ``with`` block, or when collected."""

    def __init__(self) -> None: ...
    @property
    def url(self) -> str:
        """Its JSON-RPC URL."""
    def dev_key(self, i: int) -> str:
        """The hex private key of anvil's dev account ``i`` (0..9), funded with 10,000 ETH."""
    def node_key(self, i: int) -> str:
        """The hex private key of simulated node ``i`` (deterministic, unfunded)."""
    def node_address(self, i: int) -> str:
        """Simulated node ``i``'s address."""
    def fund(self, address: str, wei: int) -> None:
        """Sets ``address``'s balance to ``wei`` (``anvil_setBalance``)."""
    def stop(self) -> None:
        """Stops anvil."""
    def __enter__(self) -> "LocalChain": ...
    def __exit__(self, *exc_info: object) -> bool: ...

class EpochActivity:
    """What each node did during one epoch, as the training loop observes it. Times add up and
    are rounded to whole seconds when aggregated into the entries of reward-math.md §1."""

    def __init__(self) -> None: ...
    def compute(self, node_index: int, seconds: float) -> None:
        """Adds ``seconds`` of compute by node ``node_index``."""
    def gradient(self, node_index: int, norm: float, accepted: bool) -> None:
        """A gradient the node sent: its norm (for consistency, 1 − coefficient of variation of
        the epoch's norms) and whether it was accepted."""
    def round(self, node_index: int, ok: bool) -> None:
        """A round the node joined, and whether it completed it (roundsJoined, roundsOk)."""
    def uptime(self, node_index: int, online_seconds: float, epoch_seconds: float) -> None:
        """Adds ``online_seconds`` reachable out of ``epoch_seconds`` (uptime bps, capped at 10000)."""
    def network(self, node_index: int, bps: int) -> None:
        """The node's network quality as measured, in basis points (0..10000)."""
    def entries(self, epoch_rounds: int) -> list[dict[str, int]]:
        """The entries ``record_epoch`` would record for an epoch of ``epoch_rounds`` rounds, in
        node index order (``nodeIndex``, ``computeSeconds``, ``accepted``, ``rejected``,
        ``roundsOk``, ``roundsJoined``, ``consistencyBps``, ``networkBps``, ``uptimeBps``).

        Raises ``MetricsError`` on the first value out of bounds."""
    def __len__(self) -> int:
        """Nodes with any activity."""

class Coordinator:
    """A coordinator's connection to GradPay: create a session, register nodes, record epochs
    (exactly once, journaled in ``journal_dir``), complete, finalize, fund pools."""

    def __init__(
        self,
        rpc_url: Optional[str] = None,
        contract: Optional[str] = None,
        private_key: Optional[str] = None,
        keystore: Optional[_Path] = None,
        password_file: Optional[_Path] = None,
        network: str = "local",
        journal_dir: Optional[_Path] = None,
        config: Optional[_Path] = None,
    ) -> None:
        """Connects to the GradPay at ``contract`` (else the profile's deployments file) through
        ``rpc_url`` (else the profile's) as ``private_key`` (hex; else ``keystore`` +
        ``password_file``; else ``GRADPAY_PRIVATE_KEY``). The profile is ``network`` from
        ``config`` (else ./gradpay.toml if present, else the built-in profiles)."""
    @staticmethod
    def deploy(
        rpc_url: Optional[str] = None,
        private_key: Optional[str] = None,
        network: str = "local",
        journal_dir: Optional[_Path] = None,
        config: Optional[_Path] = None,
    ) -> "Coordinator":
        """Deploys GradPay with the key as admin and coordinator, and connects to it."""
    @property
    def address(self) -> str:
        """GradPay's address."""
    @property
    def sender(self) -> str:
        """The coordinator key's address."""
    def create_session(self, session_id: int, model_hash: Union[bytes, str], clip_k: int = 0) -> None:
        """Creates session ``session_id`` for ``model_hash`` (32 bytes, or ``"0x…"`` hex) with
        clip factor ``clip_k`` (1e18 fixed point, 0: no clipping; reward-math.md §3)."""
    def register_nodes(self, session_id: int, nodes: list[str]) -> list[int]:
        """Registers the node addresses; returns their indices in the session."""
    def exclude_node(self, session_id: int, node: str, reason: str) -> None:
        """Excludes a node: it is not eligible and is paid nothing."""
    def record_epoch(
        self, session_id: int, epoch: int, epoch_rounds: int, activity: EpochActivity
    ) -> dict[str, Any]:
        """Records epoch ``epoch`` of ``epoch_rounds`` rounds from ``activity``, exactly once: a
        repeated call sends nothing (``recorded`` 0). Every entry is checked first (``MetricsError``,
        nothing sent). Returns the summary of ``gradpay record --json``: ``epoch``, ``entries``,
        ``batches``, ``alreadyRecorded``, ``recorded``, ``renumbered``, …"""
    def complete_session(self, session_id: int) -> None:
        """Completes the session: no more records."""
    def finalize(self, session_id: int) -> dict[str, Any]:
        """Finalizes the session (ranking, clip cap); returns the summary."""
    def create_pool(
        self, session_id: int, amount: int, strategy: Strategy = "proportional", token: Optional[str] = None
    ) -> int:
        """Funds a pool of ``amount`` (wei, or base units of ERC20 ``token``) split by ``strategy``
        with the default parameters and claim window; returns the pool id."""
    def session(self, session_id: int) -> dict[str, Any]:
        """The session as ``getSession`` returns it: ``state`` ("Active", "Completed",
        "Finalized"), ``modelHash``, ``clipK``, ``nodeCount``, ``eligibleCount``,
        ``totalRounds``, ``epochCount``, ``poolCount``. Raises ``UnknownSessionError``."""
    def scores(self, session_id: int) -> list[dict[str, Any]]:
        """Every node's scores as the contract computes them now (reward-math.md §2), in index
        order: ``index``, ``eligible``, ``score`` (int), and the bps ``acceptance``,
        ``consistency``, ``success``, ``quality``, ``participation``, ``network``, ``uptime``,
        ``reliability``."""

class Node:
    """A node's connection to GradPay: what it is owed, claims, and how its reward came about."""

    def __init__(
        self,
        rpc_url: Optional[str] = None,
        contract: Optional[str] = None,
        private_key: Optional[str] = None,
        keystore: Optional[_Path] = None,
        password_file: Optional[_Path] = None,
        network: str = "local",
        config: Optional[_Path] = None,
    ) -> None:
        """Connects as the node's key; the options as ``Coordinator``'s."""
    @property
    def address(self) -> str:
        """The node's address."""
    def status(self, session_id: int) -> dict[str, Any]:
        """The session and the node's place in it: ``state``, counters, ``totals`` and ``node``
        (``registered``, ``standing``, ``index``, ``record``, ``scores``, ``rewards``), as
        ``gradpay status --json`` prints it."""
    def pending(self, session_id: int) -> list[dict[str, Any]]:
        """One dict per pool of the session: ``poolId``, ``token``, ``strategy``, ``pending``
        (claimable now), ``entitled`` (its share, claimed or not), ``claimed``."""
    def claim(self, pool_id: int) -> int:
        """Claims ``pool_id``; returns the amount paid. Raises ``NothingToClaimError`` when
        nothing is due (claimed already, not eligible, …)."""
    def claim_all(self, session_id: int) -> list[tuple[int, int]]:
        """Claims every pool of the session with something due; returns ``(pool_id, amount)``."""
    def explain(self, session_id: int) -> dict[str, Any]:
        """How the node's reward came about (``gradpay explain --json``)."""

def verify(
    session_id: int,
    rpc_url: Optional[str] = None,
    contract: Optional[str] = None,
    network: str = "local",
    config: Optional[_Path] = None,
) -> dict[str, Any]:
    """Re-checks the session from chain data alone with gradpay-model (``gradpay verify``);
    returns the report, or raises ``VerificationFailedError`` naming the first difference."""

class GradpayError(Exception):
    """A gradpay failure: ``kind`` names it (docs/json.md), ``str(e)`` is the one-line message."""

    kind: ClassVar[str]

# One subclass per error kind (docs/json.md), named after it: `unknownSession` -> UnknownSessionError.
class AdminTransferNotReadyError(GradpayError):
    """Kind `adminTransferNotReady`."""

class AnvilError(GradpayError):
    """Kind `anvil`."""

class BatchNumbersExhaustedError(GradpayError):
    """Kind `batchNumbersExhausted`."""

class BatchUnreadableError(GradpayError):
    """Kind `batchUnreadable`."""

class CallUnreadableError(GradpayError):
    """Kind `callUnreadable`."""

class ChainStalledError(GradpayError):
    """Kind `chainStalled`."""

class ClaimWindowTooShortError(GradpayError):
    """Kind `claimWindowTooShort`."""

class ConfigError(GradpayError):
    """Kind `config`."""

class ConnectionLostError(GradpayError):
    """Kind `connectionLost`."""

class ConsentNotSignableError(GradpayError):
    """Kind `consentNotSignable`."""

class ConsentRefusedError(GradpayError):
    """Kind `consentRefused`."""

class DecodingError(GradpayError):
    """Kind `decoding`."""

class DeploymentsChainMismatchError(GradpayError):
    """Kind `deploymentsChainMismatch`."""

class DuplicateSenderError(GradpayError):
    """Kind `duplicateSender`."""

class EncodingError(GradpayError):
    """Kind `encoding`."""

class FeeBudgetTooSmallError(GradpayError):
    """Kind `feeBudgetTooSmall`."""

class FeeCapBelowBaseFeeError(GradpayError):
    """Kind `feeCapBelowBaseFee`."""

class ForeignDomainError(GradpayError):
    """Kind `foreignDomain`."""

class GasAboveCapError(GradpayError):
    """Kind `gasAboveCap`."""

class IndexError(GradpayError):
    """Kind `index`."""

class InputLineError(GradpayError):
    """Kind `inputLine`."""

class InsufficientFundsError(GradpayError):
    """Kind `insufficientFunds`."""

class InvalidPrivateKeyError(GradpayError):
    """Kind `invalidPrivateKey`."""

class IoError(GradpayError):
    """Kind `io`."""

class JournalError(GradpayError):
    """Kind `journal`."""

class KeystoreError(GradpayError):
    """Kind `keystore`."""

class ListenError(GradpayError):
    """Kind `listen`."""

class LogRangeRefusedError(GradpayError):
    """Kind `logRangeRefused`."""

class MetricsError(GradpayError):
    """Kind `metrics`."""

class MissingKeyError(GradpayError):
    """Kind `missingKey`."""

class MissingLogError(GradpayError):
    """Kind `missingLog`."""

class MissingReceiptDataError(GradpayError):
    """Kind `missingReceiptData`."""

class NeverMinedError(GradpayError):
    """Kind `neverMined`."""

class NoAddressError(GradpayError):
    """Kind `noAddress`."""

class NoCodeError(GradpayError):
    """Kind `noCode`."""

class NodeAlreadyRecordedError(GradpayError):
    """Kind `nodeAlreadyRecorded`."""

class NodeNotInSessionError(GradpayError):
    """Kind `nodeNotInSession`."""

class NodeSignatureRequiredError(GradpayError):
    """Kind `nodeSignatureRequired`."""

class NonceNotCancellableError(GradpayError):
    """Kind `nonceNotCancellable`."""

class NonceUsedError(GradpayError):
    """Kind `nonceUsed`."""

class NotMinedError(GradpayError):
    """Kind `notMined`."""

class NotSessionOwnerError(GradpayError):
    """Kind `notSessionOwner`."""

class NothingPendingError(GradpayError):
    """Kind `nothingPending`."""

class NothingToClaimError(GradpayError):
    """Kind `nothingToClaim`."""

class RelayRefusedError(GradpayError):
    """Kind `relayRefused`."""

class RetriesExhaustedError(GradpayError):
    """Kind `retriesExhausted`."""

class RevertError(GradpayError):
    """Kind `revert`."""

class RpcUnreachableError(GradpayError):
    """Kind `rpcUnreachable`."""

class SenderNotOperatorError(GradpayError):
    """Kind `senderNotOperator`."""

class SendersUnderfundedError(GradpayError):
    """Kind `sendersUnderfunded`."""

class SessionExistsError(GradpayError):
    """Kind `sessionExists`."""

class SessionStateError(GradpayError):
    """Kind `sessionState`."""

class SigningError(GradpayError):
    """Kind `signing`."""

class TraceUnavailableError(GradpayError):
    """Kind `traceUnavailable`."""

class TransportError(GradpayError):
    """Kind `transport`."""

class UnknownPoolError(GradpayError):
    """Kind `unknownPool`."""

class UnknownProfileError(GradpayError):
    """Kind `unknownProfile`."""

class UnknownSessionError(GradpayError):
    """Kind `unknownSession`."""

class UnknownSessionStateError(GradpayError):
    """Kind `unknownSessionState`."""

class VerificationFailedError(GradpayError):
    """Kind `verificationFailed`."""

class WrongChainIdError(GradpayError):
    """Kind `wrongChainId`."""

class ZeroPayoutError(GradpayError):
    """Kind `zeroPayout`."""

class ZeroRecipientError(GradpayError):
    """Kind `zeroRecipient`."""

