import { describe, expect, it } from 'vitest';
import { purgeFiles } from './fileutil';
import { newDisk } from './__tests__/helpers';

describe('purgeFiles', () => {
  it('keeps the newest max files and stops at the first held one', async () => {
    const { disk } = await newDisk();
    for (let i = 1; i <= 8; i++) disk.create(`d/${i}.wal`);
    disk.create('d/x.snap');
    expect(purgeFiles(disk, 'd', '.wal', 5, (n) => n === '3.wal')).toEqual(['1.wal', '2.wal']);
    expect(purgeFiles(disk, 'd', '.wal', 5)).toEqual(['3.wal']);
    expect(disk.list('d')).toEqual(['4.wal', '5.wal', '6.wal', '7.wal', '8.wal', 'x.snap']);
  });
});
