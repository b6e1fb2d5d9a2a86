//! Schools and settings as the DfE's register (Get Information About Schools) names them.

/// One school or setting of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Establishment {
    pub urn: String,
    pub name: String,
    /// `TypeOfEstablishment (name)`, for example "Community special school".
    pub kind: String,
    /// `PhaseOfEducation (name)`.
    pub phase: String,
    /// `EstablishmentStatus (name)`: open, closed, proposed to open...
    pub status: String,
    /// `LA (name)`.
    pub local_authority: String,
    pub town: String,
    pub postcode: String,
}

impl Establishment {
    /// The establishment in a few words: its name, town and URN.
    pub fn described(&self) -> String {
        let town = if self.town.is_empty() { String::new() } else { format!(", {}", self.town) };
        format!("{}{town} (URN {})", self.name, self.urn)
    }
}
