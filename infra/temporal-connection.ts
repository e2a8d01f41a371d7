import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from './config';

/**
 * How every process reaches Temporal: the address, and for an existing cluster or Temporal Cloud
 * the TLS settings, the API key or the mTLS client certificate from the configuration
 * (docs/operations.md). The same options suit the client's Connection (API, scripts) and the
 * worker's NativeConnection. The embedded servers (dev server, the topology's) are plain loopback.
 */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export function temporalConnectionOptions(config: Config, address: string): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address };
  // No TEMPORAL_ADDRESS: the embedded dev server on loopback, which speaks neither TLS nor API keys.
  if (!config.TEMPORAL_ADDRESS) return options;
  const read = (file: string) => fs.readFileSync(file);
  const tls: TLSConfig = {
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(config.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: read(config.TEMPORAL_TLS_CA_PATH) } : {}),
    ...(config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH ? { clientCertPair: { crt: read(config.TEMPORAL_TLS_CERT_PATH), key: read(config.TEMPORAL_TLS_KEY_PATH) } } : {}),
  };
  if (Object.keys(tls).length > 0) options.tls = tls;
  else if (config.TEMPORAL_TLS) options.tls = true;
  if (config.TEMPORAL_API_KEY) {
    // A bearer key never goes out in clear: an API key implies TLS.
    options.tls ??= true;
    options.apiKey = config.TEMPORAL_API_KEY;
    // Temporal Cloud's documented API-key set-up sends the namespace in this header too (harmless elsewhere).
    options.metadata = { 'temporal-namespace': config.TEMPORAL_NAMESPACE };
  }
  return options;
}
