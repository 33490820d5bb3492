/** 简体中文界面文字（键与 en.ts 相同）。 */
import type { MessageKey } from "./en";

export const zh: Record<MessageKey, string> = {
  "hint.firstVisit": "双击画布（或按 /）添加节点 · 从接口拖出连线 · Ctrl+Enter 运行",
  "common.dismiss": "关闭提示",
  "tab.untitled": "未命名",
  "tab.closeUnsaved": "“{name}”有未保存的更改。关闭并丢弃这些更改吗？",
  "tab.otherEditing": "“{name}”正在另一个窗口中编辑：在这里保存会覆盖那边的更改",
  "tab.otherOpen": "也在另一个窗口中打开",
  "save.prompt": "工作流另存为",
  "save.overwrite": "已存在名为“{name}”的工作流。要覆盖它吗？",
  "save.changedOnServer": "“{name}”在你打开之后已在服务器上被修改（另一个窗口？）。要覆盖那些修改吗？",
  "save.otherEditing": "“{name}”在另一个窗口中有未保存的编辑。仍要在这里保存吗？",
  "save.done": "已保存“{name}”",
  "save.failed": "无法保存：{error}",
  "restore.fromServer": "已从服务器自动保存中恢复 {count} 个标签页",
};
