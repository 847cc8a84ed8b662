// One Sweep panel per sweep, opened as a tab of Trackside's editor group, and brought back
// after a reload.
import type * as vscode from 'vscode';
import type { SweepPanelState } from '../../protocol/sweepPanel';
import { tracksideColumn } from '../panels/panelColumn';
import { OpenPanels } from '../panels/panelHost';
import type { PanelContext } from '../panels/panelSetup';
import { SweepPanel, type SweepPanelSource } from './sweepPanel';

export class SweepPanels implements vscode.Disposable {
  private readonly open: OpenPanels<SweepPanel>;

  constructor(
    private readonly ctx: PanelContext,
    private readonly source: SweepPanelSource,
  ) {
    this.open = new OpenPanels<SweepPanel>((p) => p.sweepId, {
      viewType: SweepPanel.viewType,
      panel: (panel, state) => {
        const id = (state as SweepPanelState | undefined)?.sweepId;
        return id && source.get(id) ? new SweepPanel(panel, ctx, source, id) : undefined;
      },
    });
  }

  async openSweep(id: string): Promise<void> {
    const existing = this.open.get(id);
    if (existing) return existing.reveal();
    this.open.add(SweepPanel.create(this.ctx, this.source, id, tracksideColumn()));
  }

  dispose(): void {
    this.open.dispose();
  }
}
