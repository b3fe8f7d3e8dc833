import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('works with no configuration at all: SQLite under ./data and the demo login', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      databaseUrl: 'sqlite:./data/groundswell.db',
      cookieSecure: false,
      seedDemo: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every problem at once, naming the variable and what it should be', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'ftp://x', LOG_LEVEL: 'loud', DEMO_PASSWORD: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems).toContain('PORT must be a port number (got "eighty")');
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/must start with sqlite: .* or postgres:\/\//);
    expect(problems.find((p) => p.startsWith('PUBLIC_URL'))).toMatch(/must be an http\(s\) URL/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toBeDefined();
    // Secrets are named but never echoed.
    expect(problems.find((p) => p.startsWith('DEMO_PASSWORD'))).toBe('DEMO_PASSWORD must be at least 8 characters');
    expect((error as Error).message).toContain('Groundswell cannot start; fix the configuration:');
  });

  it('derives secure cookies from an https public URL and parses trusted proxies', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://act.example.org/', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' });
    expect(config.publicUrl).toBe('https://act.example.org');
    expect(config.cookieSecure).toBe(true);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });
});
