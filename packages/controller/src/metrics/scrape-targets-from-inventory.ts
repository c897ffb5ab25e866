import { type Inventory, podResourceLabels } from '../inventory/inventory.js';
import type { ScrapeTarget } from './scrape-target.js';

/** The proxies of an inventory's meshed pods as scrape targets, labelled with their resource. */
export async function scrapeTargets(inventory: Inventory): Promise<ScrapeTarget[]> {
  const pods = await inventory.pods();
  return pods
    .filter((p) => p.proxy !== undefined)
    .map((p) => ({ address: p.proxy!.adminAddress, labels: podResourceLabels(p) }));
}
