import { useRef } from 'react';
import type { Dataset } from '../../../main/protocol/messages';
import { getDesktopApi } from '../../desktop-bridge';
import type { DatasetState } from './use-dataset';

const SHOWN_SKIPS = 3;

/** What is loaded, what was skipped and why, which columns are x and y, and how to load more. */
export function DatasetPanel({ data }: { data: DatasetState }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const { dataset } = data;

  const open = () => {
    const api = getDesktopApi();
    // In Electron main reads the file (after its size and type checks) and sends it back
    // through onFileOpened; in a browser the page reads it itself.
    if (api) api.openFileDialog('table');
    else fileInput.current?.click();
  };

  return (
    <section className="panel">
      <div className="panel-title-row">
        <h2>Data</h2>
        <button type="button" onClick={open} data-testid="open-csv" title="Or drop a CSV file anywhere on the window">
          Open CSV…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          hidden
          data-testid="csv-input"
          data-open-file
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) data.loadFile(file, null);
            e.target.value = ''; // let the same file be chosen again
          }}
        />
      </div>
      {dataset ? <DatasetSummary dataset={dataset} /> : <p className="muted" data-testid="dataset-summary">No data yet.</p>}
      {data.busy && <p className="muted busy">{data.busy}</p>}
      {data.notice && (
        <p className="dataset-notice" role="status" data-testid="dataset-notice">
          {data.notice}
        </p>
      )}
      {dataset && <SkippedRows dataset={dataset} />}
      {dataset && <ColumnPickers dataset={dataset} data={data} />}
      <p className="hint">Drop a CSV anywhere on the window to use your own data.</p>
    </section>
  );
}

function DatasetSummary({ dataset }: { dataset: Dataset }) {
  return (
    <p className="dataset-summary" data-testid="dataset-summary" title={`${dataset.totalRows} data rows in the file`}>
      <b>{dataset.name}</b> · {dataset.x.length} rows
    </p>
  );
}

function SkippedRows({ dataset }: { dataset: Dataset }) {
  if (dataset.skippedCount === 0) return null;
  const first = dataset.skipped.slice(0, SHOWN_SKIPS);
  const rows = dataset.skippedCount === 1 ? 'row' : 'rows';
  return (
    <div className="skipped" data-testid="skipped">
      <p>
        Skipped {dataset.skippedCount} {rows} that did not parse:
      </p>
      <ul>
        {first.map((s) => (
          <li key={s.line}>
            line {s.line}: {s.reason}
          </li>
        ))}
        {dataset.skippedCount > first.length && <li className="muted">…and {dataset.skippedCount - first.length} more</li>}
      </ul>
    </div>
  );
}

function ColumnPickers({ dataset, data }: { dataset: Dataset; data: DatasetState }) {
  const cols = dataset.numericColumns;
  // Without the file's text (the built-in sample) only swapping x and y can be done here.
  const usable = (c: string) => data.canPickAnyColumns || c === dataset.xColumn || c === dataset.yColumn;
  return (
    <div className="column-pickers">
      <ColumnSelect
        axis="x"
        value={dataset.xColumn}
        columns={cols}
        usable={usable}
        onChange={(c) => data.chooseColumns(c, c === dataset.yColumn ? dataset.xColumn : dataset.yColumn)}
      />
      <ColumnSelect
        axis="y"
        value={dataset.yColumn}
        columns={cols}
        usable={usable}
        onChange={(c) => data.chooseColumns(c === dataset.xColumn ? dataset.yColumn : dataset.xColumn, c)}
      />
    </div>
  );
}

/** One axis's column picker; picking the other axis's column swaps the two. */
function ColumnSelect(props: {
  axis: 'x' | 'y';
  value: string;
  columns: readonly string[];
  usable: (column: string) => boolean;
  onChange: (column: string) => void;
}) {
  return (
    <label className="field">
      <span className="field-label">{props.axis}</span>
      <select value={props.value} data-testid={`${props.axis}-column`} onChange={(e) => props.onChange(e.target.value)}>
        {props.columns.map((c) => (
          <option key={c} value={c} disabled={!props.usable(c)}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}
