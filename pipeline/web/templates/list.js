(function(){var box=document.querySelector('[data-filter]');if(!box)return;
 var items=document.getElementById(box.dataset.filter).children;
 if(!box.value){try{box.value=new URLSearchParams(location.search).get('q')||''}catch(e){}}
 function apply(){var q=kokoFold(box.value);for(var i=0;i<items.length;i++){items[i].hidden=!!q&&items[i].dataset.k.indexOf(q)<0}}
 box.addEventListener('input',apply);apply()})();
