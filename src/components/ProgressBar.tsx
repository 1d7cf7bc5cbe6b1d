import type { Progress } from '../workers/api'

export function ProgressBar({ progress, onCancel }: { progress: Progress; onCancel?: () => void }) {
  return (
    <div className="progress" data-testid="progress">
      <progress max={1} value={progress.fraction} />
      <span>{Math.round(progress.fraction * 100)}% — {progress.message}</span>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  )
}
