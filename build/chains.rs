//! chains.json: the networks and assets x402 names, rendered as the `Table` of
//! src/knowledge/chains.rs.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::literals::{list, opt};

#[derive(Deserialize)]
pub(crate) struct ChainsFile {
    networks: Vec<NetworkDef>,
    assets: Vec<AssetDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkDef {
    id: String,
    v1: Option<String>,
    name: String,
    testnet: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetDef {
    network: String,
    address: String,
    symbol: String,
    decimals: u32,
    eip712_name: Option<String>,
    eip712_version: Option<String>,
}

pub(crate) fn render(file: ChainsFile) -> Result<String, String> {
    let mut names = BTreeSet::new();
    for n in &file.networks {
        for name in std::iter::once(&n.id).chain(&n.v1) {
            if !names.insert(name.to_ascii_lowercase()) {
                return Err(format!("network `{}`: `{name}` is already used", n.id));
            }
        }
    }
    for a in &file.assets {
        if !file.networks.iter().any(|n| n.id == a.network) {
            return Err(format!(
                "asset {}: unknown network `{}`",
                a.address, a.network
            ));
        }
    }
    let networks = list(&file.networks, |n| {
        format!(
            "Network {{ id: {:?}, v1: {}, name: {:?}, testnet: {} }}",
            n.id,
            opt(&n.v1),
            n.name,
            n.testnet
        )
    });
    let assets = list(&file.assets, |a| {
        format!(
            "Asset {{ network: {:?}, address: {:?}, symbol: {:?}, decimals: {}, eip712_name: {}, eip712_version: {} }}",
            a.network,
            a.address,
            a.symbol,
            a.decimals,
            opt(&a.eip712_name),
            opt(&a.eip712_version)
        )
    });
    Ok(format!(
        "Table {{ networks: {networks}, assets: {assets} }}\n"
    ))
}
