/**
 * The search attributes that make integrations visible in the Temporal Web UI
 * and in `temporal workflow list --query 'ExportStatus="Failed"'`. They must
 * be registered on the namespace (scripts/stack.sh does it for the dev server).
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { ExportStatus } from '../domain/integration';

export const ExportStatusKey = defineSearchAttributeKey('ExportStatus', SearchAttributeType.KEYWORD);
export const IntegrationNameKey = defineSearchAttributeKey('IntegrationName', SearchAttributeType.KEYWORD);
export const LastExportTimeKey = defineSearchAttributeKey('LastExportTime', SearchAttributeType.DATETIME);
export const RowsExportedKey = defineSearchAttributeKey('RowsExported', SearchAttributeType.INT);
export const FilesExportedKey = defineSearchAttributeKey('FilesExported', SearchAttributeType.INT);
export const AlertsRejectedKey = defineSearchAttributeKey('AlertsRejected', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTES = {
  ExportStatus: 'Keyword',
  IntegrationName: 'Keyword',
  LastExportTime: 'Datetime',
  RowsExported: 'Int',
  FilesExported: 'Int',
  AlertsRejected: 'Int',
} as const;

export interface VisibleState {
  name: string;
  status: ExportStatus;
  lastExportTime?: string;
  rowsExported: number;
  filesExported: number;
  alertsRejected: number;
}

export function searchAttributeUpdates(visible: VisibleState): SearchAttributeUpdatePair[] {
  const updates: SearchAttributeUpdatePair[] = [
    { key: IntegrationNameKey, value: visible.name },
    { key: ExportStatusKey, value: visible.status },
    { key: RowsExportedKey, value: visible.rowsExported },
    { key: FilesExportedKey, value: visible.filesExported },
    { key: AlertsRejectedKey, value: visible.alertsRejected },
  ];
  if (visible.lastExportTime) updates.push({ key: LastExportTimeKey, value: new Date(visible.lastExportTime) });
  return updates;
}
