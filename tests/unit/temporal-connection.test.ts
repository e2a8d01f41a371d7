import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { temporalConnectionOptions } from '../../infra/temporal-connection';

/** An existing Temporal cluster or Temporal Cloud: the configuration's TLS, mTLS and API key reach every connection's options. */
describe('Temporal connection options (infra/temporal-connection.ts)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-tls-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const ca = file('ca.pem', 'CA');
  const crt = file('client.pem', 'CERT');
  const key = file('client.key', 'KEY');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the embedded dev server (no TEMPORAL_ADDRESS): plain loopback, whatever else is set', () => {
    const config = loadConfig({ TEMPORAL_TLS: 'true', TEMPORAL_API_KEY: 'k' });
    expect(temporalConnectionOptions(config, '127.0.0.1:7233')).toEqual({ address: '127.0.0.1:7233' });
  });

  it('an existing cluster on a private network: plain gRPC by default', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    expect(temporalConnectionOptions(config, config.TEMPORAL_ADDRESS!)).toEqual({ address: 'temporal.internal:7233' });
  });

  it('TLS with the system CAs, or a private CA and a server name', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal.example.org:7233', TEMPORAL_TLS: 'true' }), 'temporal.example.org:7233')).toEqual({ address: 'temporal.example.org:7233', tls: true });
    const config = loadConfig({ TEMPORAL_ADDRESS: '10.0.0.5:7233', TEMPORAL_TLS_CA_PATH: ca, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    expect(temporalConnectionOptions(config, '10.0.0.5:7233')).toEqual({ address: '10.0.0.5:7233', tls: { serverNameOverride: 'temporal.internal', serverRootCACertificate: Buffer.from('CA') } });
  });

  it('mTLS (Temporal Cloud with certificates, or a cluster that asks for client certificates)', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'jalons.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'jalons.a1b2c', TEMPORAL_TLS_CERT_PATH: crt, TEMPORAL_TLS_KEY_PATH: key });
    expect(temporalConnectionOptions(config, config.TEMPORAL_ADDRESS!)).toEqual({ address: 'jalons.a1b2c.tmprl.cloud:7233', tls: { clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } } });
  });

  it('a Temporal Cloud API key: TLS (implied), the key, and the namespace header', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'jalons.a1b2c', TEMPORAL_API_KEY: ' secret-key ' });
    expect(temporalConnectionOptions(config, config.TEMPORAL_ADDRESS!)).toEqual({ address: 'eu-west-1.aws.api.temporal.io:7233', tls: true, apiKey: 'secret-key', metadata: { 'temporal-namespace': 'jalons.a1b2c' } });
  });

  it('refuses half an mTLS pair, a missing file and an unknown TLS switch, naming the variable', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT_PATH: crt })).toThrow(/TEMPORAL_TLS_KEY_PATH: mTLS needs both/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CA_PATH: path.join(dir, 'absent.pem') })).toThrow(/TEMPORAL_TLS_CA_PATH: no such file/);
    expect(() => loadConfig({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS/);
  });
});
