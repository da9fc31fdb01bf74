"""The first step of every turn: remove pasted secrets, spot phishing, extract the facts agents need."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bot.config import BrandSettings
from bot.security.entities import extract_entities
from bot.security.phishing import PhishingDetector, PhishingReport, phishing_text
from bot.security.secrets import ScanResult, SecretScanner, warning_text


@dataclass
class GuardResult:
    """What the guard found in one message; `text` is the redacted message every later step must use."""

    text: str
    scan: ScanResult
    phishing: PhishingReport
    entities: list[dict] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """Turn flags: `secret_exposed` with one `secret:<kind>` per kind, `phishing_suspected`,
        `invalid_address` when an address fails its checksum."""
        flags = []
        if self.scan.findings:
            flags += ["secret_exposed", *(f"secret:{kind}" for kind in self.scan.kinds)]
        if self.phishing.suspected:
            flags.append("phishing_suspected")
        if any(e["kind"] == "address" and e["valid"] is False for e in self.entities):
            flags.append("invalid_address")
        return flags


class SecurityGuard:
    """Secret scanner, phishing detector and entity extractor behind one call; `warm_up()` loads wordlists."""

    def __init__(self, brand: BrandSettings) -> None:
        self.brand = brand
        self.scanner = SecretScanner()
        self.phishing = PhishingDetector(brand.official_domains)

    def warm_up(self) -> None:
        """Load the BIP39 wordlists and phishing tables once."""
        self.scanner.warm_up()
        self.phishing.warm_up()

    def inspect(self, text: str) -> GuardResult:
        """Redact secrets first; phishing checks and entity extraction then see only the redacted text."""
        scan = self.scanner.scan(text)
        redacted = scan.redacted
        # The redacted text holds no secrets any more, so the extractor need not scan it again.
        entities = [asdict(entity) for entity in extract_entities(redacted, findings=[])]
        return GuardResult(redacted, scan, self.phishing.check(redacted), entities)

    def secret_warning(self, result: GuardResult, language: str) -> str:
        """The warning for exposed secrets in the user's language ('' when none)."""
        return warning_text(result.scan.kinds, language, self.brand.exchange_name) if result.scan.findings else ""

    def phishing_warning(self, language: str) -> str:
        """The official-channels warning in the user's language."""
        return phishing_text(language, self.brand.exchange_name, self.brand.verify_page)
