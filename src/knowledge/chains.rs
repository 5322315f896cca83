//! x402 networks and the assets x402 servers price in, as data (`chains.json`): v1 network names
//! and CAIP-2 ids, human names, testnet flags, and per-network token addresses with their
//! symbol, decimals and EIP-712 domain (a wrong domain `name` is the classic signature failure).

/// `chains.json`, validated and rendered as this value by `build.rs`.
static TABLE: Table = include!(concat!(env!("OUT_DIR"), "/chains.rs"));

#[derive(Debug)]
pub struct Network {
    /// CAIP-2 id (`eip155:8453`, `solana:5eykt…`, `cloudflare:402`).
    pub id: &'static str,
    /// The x402 v1 name (`base`), when v1 had one.
    pub v1: Option<&'static str>,
    /// Human name (`Base Sepolia`).
    pub name: &'static str,
    pub testnet: bool,
}

impl Network {
    pub fn is_evm(&self) -> bool {
        self.id.starts_with("eip155:")
    }
    pub fn is_solana(&self) -> bool {
        self.id.starts_with("solana:")
    }
}

#[derive(Debug)]
pub struct Asset {
    /// CAIP-2 id of the network the asset lives on.
    pub network: &'static str,
    /// Token contract, mint or currency code.
    pub address: &'static str,
    pub symbol: &'static str,
    pub decimals: u32,
    /// EIP-712 domain `name` the token's contract checks signatures against (EVM only).
    pub eip712_name: Option<&'static str>,
    pub eip712_version: Option<&'static str>,
}

struct Table {
    networks: &'static [Network],
    assets: &'static [Asset],
}

/// A network by CAIP-2 id or v1 name, case-insensitively.
pub fn network(id: &str) -> Option<&'static Network> {
    let id = id.trim();
    TABLE
        .networks
        .iter()
        .find(|n| n.id.eq_ignore_ascii_case(id) || n.v1.is_some_and(|v| v.eq_ignore_ascii_case(id)))
}

/// True when `id` is an x402 v1 network name (no CAIP-2 colon) that maps to a known network.
pub fn is_v1_name(id: &str) -> bool {
    !id.contains(':') && network(id).is_some()
}

/// The asset `address` on network `network_id` (CAIP-2 id or v1 name); addresses compare
/// case-insensitively (EVM checksums vary in case).
pub fn asset(network_id: &str, address: &str) -> Option<&'static Asset> {
    let net = network(network_id)?;
    let address = address.trim();
    TABLE
        .assets
        .iter()
        .find(|a| a.network == net.id && a.address.eq_ignore_ascii_case(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_is_consistent() {
        assert!(TABLE.networks.len() >= 28);
        for a in TABLE.assets {
            assert!(
                network(a.network).is_some(),
                "asset on unknown network {}",
                a.network
            );
        }
    }

    #[test]
    fn names_and_ids_resolve_both_ways() {
        let base = network("BASE").unwrap();
        assert_eq!(base.id, "eip155:8453");
        assert!(!base.testnet);
        assert_eq!(network("eip155:84532").unwrap().v1, Some("base-sepolia"));
        assert_eq!(network("solana-devnet").unwrap().name, "Solana devnet");
        assert!(
            network("solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z")
                .unwrap()
                .testnet
        );
        assert!(network("cloudflare:402").is_some());
        assert!(is_v1_name("base-sepolia"));
        assert!(!is_v1_name("eip155:8453"));
        assert!(network("eip155:999999").is_none());
    }

    #[test]
    fn assets_match_case_insensitively_per_network() {
        let usdc = asset("base", "0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913").unwrap();
        assert_eq!(usdc.eip712_name, Some("USD Coin"));
        assert_eq!(
            asset("eip155:84532", "0x036cbd53842c5426634e7929541ec2318f3dcf7e")
                .unwrap()
                .eip712_name,
            Some("USDC")
        );
        // The Base mainnet address is not an asset on Base Sepolia.
        assert!(asset("base-sepolia", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913").is_none());
        assert_eq!(
            asset("eip155:4326", "0xfafddbb3fc7688494971a79cc65dca3ef82079e7")
                .unwrap()
                .decimals,
            18
        );
        assert_eq!(asset("cloudflare:402", "usd").unwrap().decimals, 2);
    }
}
