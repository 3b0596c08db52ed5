import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ssmScannerAddress } from '#shared/devices/scanner-address';

const ssm = mockClient(SSMClient);
beforeEach(() => ssm.reset());

describe("the scanner's address from SSM", () => {
  it('is read once, by exactly this GetParameter, and kept', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/Waymark/scanner-url', Value: 'https://d111.cloudfront.net/scan/' } });
    const address = ssmScannerAddress(async () => new SSMClient({ region: 'eu-west-2' }), '/Waymark/scanner-url');
    expect(await address()).toBe('https://d111.cloudfront.net/scan/');
    expect(await address()).toBe('https://d111.cloudfront.net/scan/');
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([{ Name: '/Waymark/scanner-url' }]);
  });

  it('a failed or empty read is not kept: the next device creation reads again', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolvesOnce({ Parameter: { Value: '' } })
      .resolves({ Parameter: { Value: 'https://waymark.example.org/scan/' } });
    const address = ssmScannerAddress(async () => new SSMClient({ region: 'eu-west-2' }), '/Waymark/scanner-url');
    await expect(address()).rejects.toThrow('throttled');
    await expect(address()).rejects.toThrow('empty');
    expect(await address()).toBe('https://waymark.example.org/scan/');
  });
});
