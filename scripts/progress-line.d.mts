export interface ProgressLine {
  update(transferred: number, total: number | undefined): void;
  end(): void;
}
export function progressLine(stream: { isTTY?: boolean; write(text: string): unknown }, label: string): ProgressLine;
