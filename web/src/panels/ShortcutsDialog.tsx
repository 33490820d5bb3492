/** Every keyboard shortcut, from the same table the handler uses. */
import { SHORTCUTS } from "../canvas/useShortcuts";
import { useUI } from "../store/ui-store";
import { Dialog } from "./Dialog";
import { t } from "../i18n";

export function ShortcutsDialog() {
  const open = useUI((s) => s.dialog === "shortcuts");
  if (!open) return null;
  return (
    <Dialog title={t("help.title")} onClose={() => useUI.setState({ dialog: null })}>
      <table className="kg-shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <th scope="row"><kbd>{t(k)}</kbd></th>
              <td>{t(what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
